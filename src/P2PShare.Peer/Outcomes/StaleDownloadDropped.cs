using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Outcomes;

/// <summary>
/// The unfinished download of an earlier content of a name was removed, because the name's new
/// content is now complete here and no peer holds the earlier one complete (its holder edited the
/// file mid-download): kept, it would be announced under the name and make every later request
/// by that name ambiguous.
/// </summary>
/// <param name="Name">The file's name.</param>
/// <param name="Dropped">The earlier content's id.</param>
/// <param name="Verified">Its pieces that were verified here.</param>
/// <param name="Pieces">Its pieces in all.</param>
/// <param name="Current">The id complete here now under that name.</param>
public sealed record StaleDownloadDropped(string Name, FileId Dropped, int Verified, int Pieces, FileId Current) : PeerNotice;
