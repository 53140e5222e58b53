using System.Diagnostics;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// Two Linux network namespaces joined by a veth pair (10.213.7.1 and 10.213.7.2), with a default
/// route in the second so a broadcast to 255.255.255.255 leaves through the veth. Everything sent
/// stays between the two; both are removed on dispose. Needs root and iproute2.
/// </summary>
internal sealed class NamespacePair : IDisposable
{
    public const string FirstAddress = "10.213.7.1";

    private NamespacePair(string tag)
    {
        First = $"p2ps-{tag}-a";
        Second = $"p2ps-{tag}-b";
    }

    public string First { get; }

    public string Second { get; }

    /// <summary>Why namespaces cannot be made here, or null when they can (checked once, when tests are discovered).</summary>
    public static string? WhyUnavailable() => P2PShare.Testing.NetworkNamespaces.WhyUnavailable();

    public static NamespacePair Create()
    {
        string tag = Guid.NewGuid().ToString("N")[..6];
        var pair = new NamespacePair(tag);
        string a = $"p2pa{tag}", b = $"p2pb{tag}";
        try
        {
            Run("netns", "add", pair.First);
            Run("netns", "add", pair.Second);
            Run("link", "add", a, "type", "veth", "peer", "name", b);
            Run("link", "set", a, "netns", pair.First);
            Run("link", "set", b, "netns", pair.Second);
            Run("-n", pair.First, "addr", "add", FirstAddress + "/24", "dev", a);
            Run("-n", pair.Second, "addr", "add", "10.213.7.2/24", "dev", b);
            foreach (var (ns, link) in new[] { (pair.First, a), (pair.Second, b) })
            {
                Run("-n", ns, "link", "set", "lo", "up");
                Run("-n", ns, "link", "set", link, "up");
            }
            Run("-n", pair.Second, "route", "add", "default", "dev", b);
            return pair;
        }
        catch
        {
            pair.Dispose();
            throw;
        }
    }

    private static void Run(params string[] args)
    {
        if (!Ip(args))
            throw new InvalidOperationException("ip " + string.Join(' ', args) + " failed");
    }

    private static bool Ip(params string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        return process.WaitForExit(10_000) && process.ExitCode == 0;
    }

    public void Dispose()
    {
        // Deleting a namespace deletes the veth end inside it, and with it the pair.
        Ip("netns", "del", First);
        Ip("netns", "del", Second);
    }
}
