using System.Globalization;

namespace P2PShare.Bench.Lan;

/// <summary>
/// A simulated LAN made of Linux network namespaces: a switch namespace holding one bridge, and one
/// namespace per host joined to it by a veth pair whose both ends are shaped by tbf to the link rate
/// (upload on the host's eth0, download on the switch's port). The 10.77.0.0/24 addresses exist only
/// inside these netns, so nothing the benchmark sends can leave them. Names are fixed (prefix
/// <see cref="Prefix"/>) so a run killed before it could clean up is cleaned up by the next one.
/// </summary>
internal sealed class LanNetwork : IDisposable
{
    /// <summary>Every namespace this benchmark makes starts with this.</summary>
    public const string Prefix = "p2plan-";

    /// <summary>The private /24 the netns hosts live in; never routed anywhere outside them.</summary>
    private const string Subnet = "10.77.0.";

    internal const string HostInterface = "eth0";
    private const string PortPrefix = "v-";
    private readonly List<string> _hosts = [];
    private readonly double _rateMbit;
    private int _disposed;

    private LanNetwork(double rateMbit)
    {
        _rateMbit = rateMbit;
    }

    /// <summary>The namespace holding the bridge.</summary>
    public static string Switch => Prefix + "switch";

    /// <summary>Why such a LAN cannot be made here (one line), or null when it can.</summary>
    public static string? WhyUnavailable() => P2PShare.Testing.NetworkNamespaces.WhyUnavailable();

    /// <summary>
    /// Removes whatever an earlier run left (its processes, namespaces, bridge and veths) and makes the
    /// switch; hosts are added with <see cref="AddHost"/>. Everything is removed again on dispose.
    /// </summary>
    public static LanNetwork Create(double rateMbit)
    {
        RemoveLeftovers();
        var lan = new LanNetwork(rateMbit);
        try
        {
            AddNamespace(Switch);
            IpCommand.Ip("-n", Switch, "link", "add", "br0", "type", "bridge");
            IpCommand.Ip("-n", Switch, "link", "set", "br0", "up");
            return lan;
        }
        catch
        {
            lan.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A host namespace <c>p2plan-NAME</c> plugged into the bridge with netns-only address
    /// 10.77.0.<paramref name="octet"/>, its link shaped both ways; returns the namespace.
    /// </summary>
    public string AddHost(string name, int octet)
    {
        string ns = Prefix + name;
        string port = PortOf(ns); // the switch's end; at most 15 characters
        AddNamespace(ns);
        _hosts.Add(ns);
        IpCommand.Ip("link", "add", HostInterface, "netns", ns, "type", "veth", "peer", "name", port, "netns", Switch);
        IpCommand.Ip("-n", Switch, "link", "set", port, "master", "br0");
        IpCommand.Ip("-n", Switch, "link", "set", port, "up");
        IpCommand.Ip("-n", ns, "addr", "add", Address(octet) + "/24", "dev", HostInterface);
        IpCommand.Ip("-n", ns, "link", "set", HostInterface, "up");
        Shape(ns, HostInterface);
        Shape(Switch, port);
        return ns;
    }

    /// <summary>The netns-only address 10.77.0.<paramref name="octet"/> (a host of this LAN, see <see cref="AddHost"/>).</summary>
    public static string Address(int octet) => Subnet + octet.ToString(CultureInfo.InvariantCulture);

    /// <summary>The counters of <paramref name="ns"/>'s link (what that host sent and received).</summary>
    public static LinkCounters Counters(string ns) => LinkCounters.Parse(IpCommand.Ip("-n", ns, "-s", "-j", "link", "show", HostInterface));

    /// <summary>
    /// The counters of every host's port on the switch, by host namespace, in one read: a port receives
    /// what its host sends, so its rx is the host's upload and its tx the host's download.
    /// </summary>
    public static Dictionary<string, LinkCounters> PortCounters() =>
        LinkCounters.ParseAll(IpCommand.Ip("-n", Switch, "-s", "-j", "link", "show"))
            .Where(port => port.Key.StartsWith(PortPrefix, StringComparison.Ordinal))
            .ToDictionary(port => Prefix + port.Key[PortPrefix.Length..], port => port.Value);

    private static string PortOf(string ns) => PortPrefix + ns[Prefix.Length..];

    /// <summary>Checks that tbf can be attached here (this benchmark's only shaping; the kernel may lack netem).</summary>
    public static string? WhyNoShaping()
    {
        try
        {
            using var lan = Create(1);
            lan.AddHost("probe", 250);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return "cannot shape a veth with tbf: " + e.Message;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            RemoveLeftovers();
    }

    /// <summary>
    /// Kills any process still inside one of our namespaces (a benchmark killed with SIGKILL leaves
    /// its peers running there), then deletes the namespaces; deleting one deletes its veth ends and
    /// so both ends of each pair, and the switch's bridge.
    /// </summary>
    private static void RemoveLeftovers()
    {
        var (code, list, _) = IpCommand.Run("ip", "netns", "list");
        if (code != 0)
            return;
        var ours = list.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[0])
            .Where(ns => ns.StartsWith(Prefix, StringComparison.Ordinal))
            .ToList();
        foreach (var ns in ours)
        {
            foreach (var pid in IpCommand.Run("ip", "netns", "pids", ns).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                IpCommand.Run("kill", "-KILL", pid.Trim());
        }
        foreach (var ns in ours)
            IpCommand.Run("ip", "netns", "del", ns);
    }

    private static void AddNamespace(string ns)
    {
        IpCommand.Ip("netns", "add", ns);
        IpCommand.Ip("-n", ns, "link", "set", "lo", "up");
    }

    // tbf: the bucket holds 10 ms at the rate (at least 64 KiB, one GSO frame), the queue 50 ms.
    private void Shape(string ns, string device)
    {
        long burst = Math.Max(64 * 1024, (long)(_rateMbit * 1e6 / 8 / 100));
        IpCommand.Tc(ns, "qdisc", "add", "dev", device, "root", "tbf",
            "rate", Invariant($"{_rateMbit}mbit"), "burst", Invariant($"{burst}b"), "latency", "50ms");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
