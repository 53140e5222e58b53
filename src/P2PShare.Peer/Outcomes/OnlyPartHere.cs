using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Outcomes;

/// <summary>
/// A file listed under a folder being fetched is left out: the only peer that holds any of it is this
/// one, in part (its holder deleted it while we fetched it, and our own announced pieces keep it
/// listed). Its verified pieces are kept; the rest of the folder is fetched without it.
/// </summary>
/// <param name="Name">The file's name.</param>
/// <param name="Id">Its content id.</param>
/// <param name="Verified">Its pieces verified here.</param>
/// <param name="Pieces">Its pieces in all.</param>
public sealed record OnlyPartHere(string Name, FileId Id, int Verified, int Pieces) : PeerNotice;
