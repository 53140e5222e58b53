namespace P2PShare.Peer.Outcomes;

/// <summary>
/// Why a command could not be carried out, as data: the engine says what went wrong and
/// <c>Commands/FailureText</c> says it to the user, so every message is worded (and tested) in one place.
/// </summary>
public abstract record PeerFailure;
