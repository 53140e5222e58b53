namespace P2PShare.Peer.Outcomes;

/// <summary>The tracker address given is not HOST:PORT.</summary>
/// <param name="Endpoint">What was given.</param>
/// <param name="Error">What is wrong with it.</param>
public sealed record BadTrackerAddress(string Endpoint, string Error) : PeerFailure;
