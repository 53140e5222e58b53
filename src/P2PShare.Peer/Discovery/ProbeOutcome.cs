using System.Globalization;

namespace P2PShare.Peer.Discovery;

/// <summary>What one method did on one interface: what was sent, what came back, and when.</summary>
public sealed class ProbeOutcome
{
    /// <summary>An outcome for <paramref name="method"/> on <paramref name="interfaceName"/>, sending from <paramref name="source"/>.</summary>
    public ProbeOutcome(DiscoveryMethod method, string interfaceName, string source)
    {
        Method = method;
        Interface = interfaceName;
        Source = source;
    }

    /// <summary>The method.</summary>
    public DiscoveryMethod Method { get; }

    /// <summary>The interface's name ("-" for a typed target).</summary>
    public string Interface { get; }

    /// <summary>The local address sent from.</summary>
    public string Source { get; }

    /// <summary>Where datagrams went, e.g. "10.0.0.255:12501 and 255.255.255.255:12501".</summary>
    public string Sent { get; set; } = "nowhere";

    /// <summary>Datagrams sent.</summary>
    public int SentCount { get; set; }

    /// <summary>The first error sending or receiving, if any (e.g. "Network is unreachable").</summary>
    public string? Error { get; set; }

    /// <summary>Good answers received.</summary>
    public int Answers { get; set; }

    /// <summary>Datagrams received that were not a good answer (another nonce, no proof, garbage), with the last reason.</summary>
    public int Ignored { get; set; }

    /// <summary>The reason the last ignored datagram was ignored.</summary>
    public string? IgnoredWhy { get; set; }

    /// <summary>ICMP "port unreachable" reports: a host is there but nothing listens on the discovery port.</summary>
    public int Refused { get; set; }

    /// <summary>The tracker the first good answer named, as HOST:PORT.</summary>
    public string? Tracker { get; set; }

    /// <summary>How long after the method's first send the first good answer came.</summary>
    public TimeSpan? FirstAnswerAfter { get; set; }

    /// <summary>Why this method was not tried, if it was not.</summary>
    public string? Skipped { get; set; }

    /// <summary>The method's name for the user: "broadcast", "mDNS IPv4", "mDNS IPv6", "/24 sweep", "target".</summary>
    public static string Describe(DiscoveryMethod method) => method switch
    {
        DiscoveryMethod.Broadcast => "broadcast",
        DiscoveryMethod.MdnsIPv4 => "mDNS IPv4",
        DiscoveryMethod.MdnsIPv6 => "mDNS IPv6",
        DiscoveryMethod.Sweep => "/24 sweep",
        _ => "target",
    };

    /// <summary>One line for the user, e.g. "eth0  mDNS/IPv4  sent 2 × 224.0.0.251:5353 → tracker 10.0.0.1:12500 after 12 ms".</summary>
    public override string ToString()
    {
        string head = $"  {Interface,-10} {Describe(Method),-10} ";
        if (Skipped is not null)
            return head + "not tried: " + Skipped;
        string result = Tracker is not null
            ? string.Create(CultureInfo.InvariantCulture, $"answered: tracker {Tracker} after {FirstAnswerAfter!.Value.TotalMilliseconds:0} ms")
            : "no answer";
        if (Ignored > 0)
            result += $"; ignored {Ignored} ({IgnoredWhy})";
        if (Refused > 0)
            result += $"; {Refused} ICMP port-unreachable";
        if (Error is not null)
            result += $"; error: {Error}";
        return head + $"from {Source} sent {SentCount} to {Sent} -> {result}";
    }
}
