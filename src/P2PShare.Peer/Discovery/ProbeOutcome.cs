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

    /// <summary>Why the last ignored datagram was ignored.</summary>
    public IgnoreReason? IgnoredBecause { get; set; }

    /// <summary>What the last ignored datagram said or was (a parse error, a version, a tracker's address), for the report.</summary>
    public string? IgnoredDetail { get; set; }

    /// <summary>ICMP "port unreachable" reports: a host is there but nothing listens on the discovery port.</summary>
    public int Refused { get; set; }

    /// <summary>The tracker the first good answer named, as HOST:PORT.</summary>
    public string? Tracker { get; set; }

    /// <summary>How long after the method's first send the first good answer came.</summary>
    public TimeSpan? FirstAnswerAfter { get; set; }

    /// <summary>Why this method was not tried, if it was not.</summary>
    public ProbeSkip? Skipped { get; set; }
}
