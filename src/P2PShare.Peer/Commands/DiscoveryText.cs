using System.Globalization;
using System.Net;
using System.Text;
using P2PShare.Peer.Discovery;

namespace P2PShare.Peer.Commands;

/// <summary>What discovery did, in words: the <c>discover</c> report and the lines <c>start</c> says about it.</summary>
public static class DiscoveryText
{
    /// <summary>The whole report: a line per probe, then the verdict and what to do.</summary>
    public static string Report(DiscoveryReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Discovery ({report.Elapsed.TotalSeconds:0.0} s): per interface and method, what was sent and what came back:");
        foreach (var probe in report.Probes)
            text.AppendLine(Probe(probe));
        text.Append(Verdict(report));
        return text.ToString();
    }

    /// <summary>"by mDNS IPv4 on eth0 after 12 ms", for the first find; null when nothing answered.</summary>
    public static string? HowFound(DiscoveryReport report) => report?.First is { } f
        ? string.Create(CultureInfo.InvariantCulture, $"by {Name(f.Method)} on {f.Interface} after {f.After.TotalMilliseconds:0} ms")
        : null;

    /// <summary>Why nothing was found, in one line (for <c>start</c>'s message); null when something was.</summary>
    public static string? Problem(DiscoveryResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Miss is { } miss ? Miss(miss) : result.Report is { } report ? Problem(report) : null;
    }

    /// <summary>What <c>start</c> says it asked, e.g. "198.51.100.7:12501", or "broadcast, mDNS and a /24 sweep on every interface".</summary>
    public static string Asked(DiscoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Target is null ? "broadcast, mDNS and a /24 sweep on every interface" : new IPEndPoint(options.Target, options.Port).ToString();
    }

    private static string Miss(TargetMiss miss) => miss.SendError is { } error
        ? $"could not send to {miss.To}: {error}"
        : string.Create(CultureInfo.InvariantCulture, $"no tracker answered at {miss.To} ({miss.Attempts} tries, {miss.Timeout.TotalSeconds:0.#} s each)");

    private static string Skip(ProbeSkip skip) => skip switch
    {
        ProbeSkip.TrackerFoundAlready => "a tracker answered already",
        _ => "the sweep's limit of addresses is used up",
    };

    private static string Ignored(ProbeOutcome probe) => probe.IgnoredBecause switch
    {
        IgnoreReason.OtherVersion => $"it speaks discovery version {probe.IgnoredDetail}",
        IgnoreReason.TrackerWithoutSecret => "it runs without the network secret",
        IgnoreReason.SecretNotProven => $"the tracker at {probe.IgnoredDetail} did not prove the network secret",
        _ => probe.IgnoredDetail ?? "not an answer to our request",
    };

    private static string? Problem(DiscoveryReport r) => r.First is not null ? null
        : r.Probes.Count == 0 ? "no network interface is up besides loopback"
        : string.Create(CultureInfo.InvariantCulture, $"nothing answered {string.Join(", ", r.Probes.Where(p => p.Skipped is null).Select(p => Name(p.Method)).Distinct())} on {string.Join(", ", r.Probes.Select(p => p.Interface).Distinct())} within {r.Elapsed.TotalSeconds:0.0} s");

    /// <summary>The method's name for the user: "broadcast", "mDNS IPv4", "mDNS IPv6", "/24 sweep", "target".</summary>
    public static string Method(DiscoveryMethod method) => method switch
    {
        DiscoveryMethod.Broadcast => "broadcast",
        DiscoveryMethod.MdnsIPv4 => "mDNS IPv4",
        DiscoveryMethod.MdnsIPv6 => "mDNS IPv6",
        DiscoveryMethod.Sweep => "/24 sweep",
        _ => "target",
    };

    /// <summary>One line for one probe, e.g. "eth0  mDNS IPv4  from 10.0.0.5 sent 2 to 224.0.0.251:5353 -> answered: tracker 10.0.0.1:12500 after 12 ms".</summary>
    public static string Probe(ProbeOutcome probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        string head = $"  {probe.Interface,-10} {Method(probe.Method),-10} ";
        if (probe.Skipped is { } skip)
            return head + "not tried: " + Skip(skip);
        string result = probe.Tracker is not null
            ? string.Create(CultureInfo.InvariantCulture, $"answered: tracker {probe.Tracker} after {probe.FirstAnswerAfter!.Value.TotalMilliseconds:0} ms")
            : "no answer";
        if (probe.Ignored > 0)
            result += $"; ignored {probe.Ignored} ({Ignored(probe)})";
        if (probe.Refused > 0)
            result += $"; {probe.Refused} ICMP port-unreachable";
        if (probe.Error is not null)
            result += $"; error: {probe.Error}";
        return head + $"from {probe.Source} sent {probe.SentCount} to {probe.Sent} -> {result}";
    }

    private static string Verdict(DiscoveryReport r)
    {
        if (r.Probes.Count == 0)
            return "No network interface is up besides loopback: connect to the LAN, or type the tracker's address: start HOST:12500.";
        var text = new StringBuilder();
        if (r.First is { } found)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Found the tracker at {found.Endpoint} {HowFound(r)}.");
            var others = r.Found.Select(f => f.Endpoint).Distinct().Where(e => !e.Equals(found.Endpoint)).ToList();
            if (others.Count > 0)
                text.AppendLine($"Other trackers answered too: {string.Join(", ", others)}; name the one you want.");
            if (Silent(r, DiscoveryMethod.Broadcast))
                text.AppendLine(CultureInfo.InvariantCulture, $"Broadcasts got no answer: this network drops broadcast (Wi-Fi access point or switch filtering), or the tracker's firewall drops UDP {r.DiscoveryPort}.");
            if (Silent(r, DiscoveryMethod.MdnsIPv4) && Silent(r, DiscoveryMethod.MdnsIPv6))
                text.AppendLine("mDNS got no answer: multicast is filtered here (IGMP snooping, multicast-to-unicast on the access point), UDP 5353 is blocked, or the tracker runs with --no-mdns.");
            text.Append(CultureInfo.InvariantCulture, $"To skip discovery, type: start {found.Endpoint}");
            return text.ToString();
        }
        var errors = r.Probes.Where(p => p.Error is not null).ToList();
        if (errors.Count > 0 && errors.Count == r.Probes.Count(p => p.Skipped is null))
            text.AppendLine(CultureInfo.InvariantCulture, $"Likely cause: no route. Every send failed ({errors[0].Error}): check this machine's address and routes (ip addr, ip route), or a VPN that takes every route.");
        var unproven = r.Probes.FirstOrDefault(p => p.IgnoredBecause is IgnoreReason.SecretNotProven or IgnoreReason.TrackerWithoutSecret);
        if (unproven is not null)
            text.AppendLine($"A tracker answered but could not prove the network secret ({Ignored(unproven)}): check both sides use the same secret.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Nothing answered by broadcast, mDNS or the /24 sweep. Likely causes, most likely first: the tracker is not running (or runs with --no-discovery); a firewall on its machine drops inbound UDP {r.DiscoveryPort} and 5353; the access point isolates clients (client isolation: then TCP between devices fails too); or the tracker is on another subnet (broadcast, mDNS and the sweep do not cross routers).");
        text.Append("Type the tracker's address instead: start HOST:12500 (the tracker prints \"Peers can reach it at ...\" when it starts).");
        return text.ToString();
    }

    // Tried on some interface, and no answer on any.
    private static bool Silent(DiscoveryReport r, DiscoveryMethod method) =>
        r.Probes.Any(p => p.Method == method && p.Skipped is null) && r.Probes.Where(p => p.Method == method).All(p => p.Tracker is null);

    private static string Name(DiscoveryMethod method) =>
        method is DiscoveryMethod.Sweep or DiscoveryMethod.Target ? "the " + Method(method) : Method(method);
}
