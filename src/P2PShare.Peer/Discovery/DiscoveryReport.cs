using System.Globalization;
using System.Text;

namespace P2PShare.Peer.Discovery;

/// <summary>
/// What one discovery run tried and what came back, per interface and per method, with the likely
/// cause when nothing answered and the exact address to type instead. The <c>discover</c> command prints it.
/// </summary>
/// <param name="Probes">One outcome per interface and method, in the order they were tried.</param>
/// <param name="Found">Every tracker that answered, first first.</param>
/// <param name="Elapsed">How long the run took.</param>
/// <param name="DiscoveryPort">The UDP discovery port asked on.</param>
public sealed record DiscoveryReport(IReadOnlyList<ProbeOutcome> Probes, IReadOnlyList<FoundTracker> Found, TimeSpan Elapsed, int DiscoveryPort)
{
    /// <summary>The first tracker that answered, or null.</summary>
    public FoundTracker? First => Found.Count > 0 ? Found[0] : null;

    /// <summary>"by mDNS IPv4 on eth0 after 12 ms", for the first find.</summary>
    public string? HowFound => First is { } f
        ? string.Create(CultureInfo.InvariantCulture, $"by {Name(f.Method)} on {f.Interface} after {f.After.TotalMilliseconds:0} ms")
        : null;

    /// <summary>Why nothing was found, in one line (for <c>start</c>'s message); null when something was.</summary>
    public string? Problem => First is not null ? null
        : Probes.Count == 0 ? "no network interface is up besides loopback"
        : string.Create(CultureInfo.InvariantCulture, $"nothing answered {string.Join(", ", Probes.Where(p => p.Skipped is null).Select(p => Name(p.Method)).Distinct())} on {string.Join(", ", Probes.Select(p => p.Interface).Distinct())} within {Elapsed.TotalSeconds:0.0} s");

    /// <summary>The whole report: a line per probe, then the verdict and what to do.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Discovery ({Elapsed.TotalSeconds:0.0} s): per interface and method, what was sent and what came back:");
        foreach (var probe in Probes)
            text.AppendLine(probe.ToString());
        text.Append(Verdict());
        return text.ToString();
    }

    private string Verdict()
    {
        if (Probes.Count == 0)
            return "No network interface is up besides loopback: connect to the LAN, or type the tracker's address: start HOST:12500.";
        var text = new StringBuilder();
        if (First is { } found)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Found the tracker at {found.Endpoint} {HowFound}.");
            var others = Found.Select(f => f.Endpoint).Distinct().Where(e => !e.Equals(found.Endpoint)).ToList();
            if (others.Count > 0)
                text.AppendLine($"Other trackers answered too: {string.Join(", ", others)}; name the one you want.");
            if (Silent(DiscoveryMethod.Broadcast))
                text.AppendLine(CultureInfo.InvariantCulture, $"Broadcasts got no answer: this network drops broadcast (Wi-Fi access point or switch filtering), or the tracker's firewall drops UDP {DiscoveryPort}.");
            if (Silent(DiscoveryMethod.MdnsIPv4) && Silent(DiscoveryMethod.MdnsIPv6))
                text.AppendLine("mDNS got no answer: multicast is filtered here (IGMP snooping, multicast-to-unicast on the access point), UDP 5353 is blocked, or the tracker runs with --no-mdns.");
            text.Append(CultureInfo.InvariantCulture, $"To skip discovery, type: start {found.Endpoint}");
            return text.ToString();
        }
        var errors = Probes.Where(p => p.Error is not null).ToList();
        if (errors.Count > 0 && errors.Count == Probes.Count(p => p.Skipped is null))
            text.AppendLine(CultureInfo.InvariantCulture, $"Likely cause: no route. Every send failed ({errors[0].Error}): check this machine's address and routes (ip addr, ip route), or a VPN that takes every route.");
        var unproven = Probes.FirstOrDefault(p => p.IgnoredWhy?.Contains("secret", StringComparison.Ordinal) == true);
        if (unproven is not null)
            text.AppendLine($"A tracker answered but could not prove the network secret ({unproven.IgnoredWhy}): check both sides use the same secret.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Nothing answered by broadcast, mDNS or the /24 sweep. Likely causes, most likely first: the tracker is not running (or runs with --no-discovery); a firewall on its machine drops inbound UDP {DiscoveryPort} and 5353; the access point isolates clients (client isolation: then TCP between devices fails too); or the tracker is on another subnet (broadcast, mDNS and the sweep do not cross routers).");
        text.Append("Type the tracker's address instead: start HOST:12500 (the tracker prints \"Peers can reach it at ...\" when it starts).");
        return text.ToString();
    }

    // Tried on some interface, and no answer on any.
    private bool Silent(DiscoveryMethod method) =>
        Probes.Any(p => p.Method == method && p.Skipped is null) && Probes.Where(p => p.Method == method).All(p => p.Tracker is null);

    private static string Name(DiscoveryMethod method) =>
        method is DiscoveryMethod.Sweep or DiscoveryMethod.Target ? "the " + ProbeOutcome.Describe(method) : ProbeOutcome.Describe(method);
}
