using System.Diagnostics;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A small LAN made of Linux network namespaces: a "switch" namespace holding one Linux bridge per
/// LAN, and host namespaces joined to the bridges by veth pairs. nftables rules on the bridges play
/// a network that drops broadcast or multicast. Everything sent stays inside these namespaces, and
/// every namespace (with its links, bridges and nft tables) is removed on dispose, also when
/// creating it failed halfway. Needs root, iproute2 and nftables.
/// </summary>
internal sealed class BridgedLan : IDisposable
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];
    private readonly List<string> _namespaces = [];
    private int _links;

    private BridgedLan()
    {
        Switch = $"p2ps-{_tag}-sw";
    }

    /// <summary>The namespace holding the bridges br0, br1, ...</summary>
    public string Switch { get; }

    /// <summary>Why such a LAN cannot be made here, or null when it can.</summary>
    public static string? WhyUnavailable()
    {
        if (NamespacePair.WhyUnavailable() is { } why)
            return why;
        try
        {
            return Run("nft", "--version") ? null : "`nft --version` failed; install nftables";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the `nft` command (nftables) is not installed";
        }
    }

    /// <summary>A switch with <paramref name="lans"/> bridges and an nft table to filter them with.</summary>
    public static BridgedLan Create(int lans)
    {
        var lan = new BridgedLan();
        try
        {
            lan.AddNamespace(lan.Switch);
            for (int i = 0; i < lans; i++)
            {
                Ip("-n", lan.Switch, "link", "add", $"br{i}", "type", "bridge");
                Ip("-n", lan.Switch, "link", "set", $"br{i}", "up");
            }
            lan.Nft("add table bridge p2ptest");
            lan.Nft("add chain bridge p2ptest forward { type filter hook forward priority 0; policy accept; }");
            return lan;
        }
        catch
        {
            lan.Dispose();
            throw;
        }
    }

    /// <summary>A new host namespace (loopback up), named after <paramref name="name"/>.</summary>
    public string AddHost(string name)
    {
        string ns = $"p2ps-{_tag}-{name}";
        AddNamespace(ns);
        return ns;
    }

    /// <summary>Plugs <paramref name="host"/> into LAN <paramref name="lan"/> as interface <paramref name="ifName"/> with <paramref name="cidr"/>.</summary>
    public void Attach(string host, int lan, string ifName, string cidr, bool defaultRoute = false)
    {
        string port = $"p{_links++}";
        Ip("link", "add", ifName, "netns", host, "type", "veth", "peer", "name", port, "netns", Switch);
        Ip("-n", Switch, "link", "set", port, "master", $"br{lan}");
        Ip("-n", Switch, "link", "set", port, "up");
        Ip("-n", host, "addr", "add", cidr, "dev", ifName);
        Ip("-n", host, "link", "set", ifName, "up");
        if (defaultRoute)
            Ip("-n", host, "route", "add", "default", "dev", ifName);
    }

    /// <summary>Moves <paramref name="host"/>'s <paramref name="ifName"/> from one address to another (a tracker restarted elsewhere).</summary>
    public static void Readdress(string host, string ifName, string oldCidr, string newCidr)
    {
        Ip("-n", host, "addr", "del", oldCidr, "dev", ifName);
        Ip("-n", host, "addr", "add", newCidr, "dev", ifName);
    }

    /// <summary>The bridges stop forwarding IPv4 broadcast (ARP still passes, so unicast works).</summary>
    public void DropBroadcast() => Nft("add rule bridge p2ptest forward ether daddr ff:ff:ff:ff:ff:ff ether type ip drop");

    /// <summary>The bridges stop forwarding IPv4 and IPv6 multicast (mDNS among it).</summary>
    public void DropMulticast()
    {
        Nft("add rule bridge p2ptest forward ether daddr & 01:00:00:00:00:00 == 01:00:00:00:00:00 ether type ip drop");
        Nft("add rule bridge p2ptest forward ether daddr & 01:00:00:00:00:00 == 01:00:00:00:00:00 ether type ip6 drop");
    }

    /// <summary>The bridges drop UDP to <paramref name="port"/> too (a firewall): then nothing can find the tracker.</summary>
    public void DropUdpPort(int port)
    {
        Nft($"add rule bridge p2ptest forward ether type ip udp dport {port} drop");
    }

    private void AddNamespace(string ns)
    {
        Ip("netns", "add", ns);
        _namespaces.Add(ns);
        Ip("-n", ns, "link", "set", "lo", "up");
    }

    private void Nft(string command)
    {
        var args = new List<string> { "netns", "exec", Switch, "nft" };
        args.AddRange(command.Split(' '));
        if (!Run("ip", [.. args]))
            throw new InvalidOperationException($"nft {command} failed in {Switch}");
    }

    private static void Ip(params string[] args)
    {
        if (!Run("ip", args))
            throw new InvalidOperationException("ip " + string.Join(' ', args) + " failed");
    }

    private static bool Run(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        return process.WaitForExit(10_000) && process.ExitCode == 0;
    }

    public void Dispose()
    {
        // Deleting a namespace deletes its interfaces (and so both ends of each veth), its bridges and nft tables.
        foreach (var ns in Enumerable.Reverse(_namespaces))
            Run("ip", "netns", "del", ns);
    }
}
