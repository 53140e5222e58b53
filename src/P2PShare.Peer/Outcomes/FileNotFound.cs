namespace P2PShare.Peer.Outcomes;

/// <summary>No file in the network goes by the name or id asked for.</summary>
/// <param name="Asked">The name or id as typed.</param>
/// <param name="IdTooShort">It looks like the start of an id, but too short to be one (under 6 hex digits).</param>
public sealed record FileNotFound(string Asked, bool IdTooShort) : PeerFailure;
