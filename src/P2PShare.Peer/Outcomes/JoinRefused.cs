namespace P2PShare.Peer.Outcomes;

/// <summary>The tracker turned us away in the handshake (no secret, another secret).</summary>
/// <param name="Tracker">The tracker's HOST:PORT.</param>
/// <param name="Reason">The tracker's reason, as it sent it.</param>
/// <param name="SecretOffered">Whether we proved a secret: without one, the user is told how to give it.</param>
public sealed record JoinRefused(string Tracker, string Reason, bool SecretOffered) : JoinFailure(Tracker);
