namespace P2PShare.Peer.Outcomes;

/// <summary>A command needs the tracker while its connection is lost (the link is reconnecting).</summary>
/// <param name="Tracker">The tracker's HOST:PORT.</param>
/// <param name="Reason">Why the connection closed.</param>
public sealed record TrackerDown(string Tracker, string? Reason) : PeerFailure;
