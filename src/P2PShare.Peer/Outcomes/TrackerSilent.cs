namespace P2PShare.Peer.Outcomes;

/// <summary>The tracker did not answer a request (an error reply, a timeout, the connection failing).</summary>
/// <param name="Tracker">The tracker's HOST:PORT.</param>
/// <param name="Request">The command that asked (list, update, who-has).</param>
/// <param name="Error">What came back instead.</param>
public sealed record TrackerSilent(string Tracker, string Request, string Error) : PeerFailure;
