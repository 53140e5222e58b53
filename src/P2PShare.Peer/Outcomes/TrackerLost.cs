namespace P2PShare.Peer.Outcomes;

/// <summary>The connection to the tracker was lost (not left on purpose); the link reconnects by itself.</summary>
/// <param name="Tracker">The tracker's HOST:PORT.</param>
/// <param name="Reason">Why the connection closed.</param>
public sealed record TrackerLost(string Tracker, string? Reason) : PeerNotice;
