using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Outcomes;

/// <summary>The file asked for is being downloaded already.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Id">The file's id.</param>
public sealed record AlreadyDownloading(string Name, FileId Id) : PeerFailure;
