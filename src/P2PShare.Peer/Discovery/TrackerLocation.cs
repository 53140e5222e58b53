namespace P2PShare.Peer.Discovery;

/// <summary>Which tracker to join, and how we came to it.</summary>
/// <param name="Endpoint">HOST:PORT to join.</param>
/// <param name="Account">What we did to find it, for the user ("Found the tracker at … by discovery."); null when it was named.</param>
/// <param name="Hint">What to add if joining it fails (why discovery did not help); null when it was named or discovered.</param>
public sealed record TrackerLocation(string Endpoint, string? Account, string? Hint)
{
    /// <summary>True when discovery found it, so a lost tracker may be looked for again (its beacon) rather than only at this address.</summary>
    public bool Discovered { get; init; }
}
