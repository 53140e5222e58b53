namespace P2PShare.Peer.Transfer;

/// <summary>Where a folder download stands, in files and bytes (the rest of its progress is in <see cref="DownloadProgress"/>).</summary>
/// <param name="Done">Files complete and verified.</param>
/// <param name="Total">Files in the folder.</param>
/// <param name="VerifiedBytes">Bytes verified, all files together (complete ones, and the verified pieces of those under way).</param>
public sealed record FolderCount(int Done, int Total, long VerifiedBytes);
