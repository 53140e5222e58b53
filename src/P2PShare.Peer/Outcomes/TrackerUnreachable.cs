namespace P2PShare.Peer.Outcomes;

/// <summary>No tracker could be reached at the address (nothing listening, no route, silence, a wrong reply).</summary>
/// <param name="Tracker">The tracker's HOST:PORT.</param>
/// <param name="Error">What the connection attempt got.</param>
public sealed record TrackerUnreachable(string Tracker, string Error) : JoinFailure(Tracker);
