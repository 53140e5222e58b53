namespace P2PShare.Peer.Discovery;

/// <summary>Which tracker to join, and how we came to it (the command layer tells the user).</summary>
/// <param name="Endpoint">HOST:PORT to join.</param>
/// <param name="Discovery">What discovery found; null when the tracker was named (typed, or <c>--tracker</c>).</param>
/// <param name="AskedWith">The discovery settings asked with; null when the tracker was named.</param>
public sealed record TrackerLocation(string Endpoint, DiscoveryResult? Discovery, DiscoveryOptions? AskedWith)
{
    /// <summary>True when discovery found it, so a lost tracker may be looked for again (its beacon) rather than only at this address.</summary>
    public bool Discovered => Discovery?.Tracker is not null;

    /// <summary>True when discovery was asked and found nothing, so the default is tried.</summary>
    public bool DiscoveryMissed => Discovery is not null && !Discovered;
}
