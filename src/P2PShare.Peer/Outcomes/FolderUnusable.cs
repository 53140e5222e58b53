namespace P2PShare.Peer.Outcomes;

/// <summary>The repository folder cannot be used (a file by that name, no permission); the storage error says how.</summary>
/// <param name="Error">The storage layer's account of the problem.</param>
public sealed record FolderUnusable(string Error) : PeerFailure;
