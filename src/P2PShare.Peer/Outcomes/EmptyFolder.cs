namespace P2PShare.Peer.Outcomes;

/// <summary>No file in the network lies under the folder asked for.</summary>
/// <param name="Folder">The folder as typed, with its trailing '/'.</param>
public sealed record EmptyFolder(string Folder) : PeerFailure;
