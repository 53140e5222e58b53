namespace P2PShare.Peer.Outcomes;

/// <summary>A failure the command layer has already put into words (a mistyped command or option).</summary>
/// <param name="Text">The message for the user.</param>
public sealed record WordedFailure(string Text) : PeerFailure;
