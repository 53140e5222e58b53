namespace P2PShare.Peer.Outcomes;

/// <summary>No file goes by the name asked for, but a folder does: the user left off the trailing '/'.</summary>
/// <param name="Asked">The name as typed (no trailing '/').</param>
/// <param name="Files">How many files the tracker lists under <c>Asked/</c>.</param>
/// <param name="Bytes">Their length together.</param>
public sealed record NameIsFolder(string Asked, int Files, long Bytes) : PeerFailure;
