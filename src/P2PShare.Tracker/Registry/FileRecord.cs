using P2PShare.Protocol.Files;

namespace P2PShare.Tracker.Registry;

/// <summary>
/// One file id in the registry: its shape (fixed by the first holder, since the id is a manifest
/// hash every honest holder agrees on it) and who holds it. Guarded by the registry's lock.
/// </summary>
internal sealed class FileRecord(FileId id, long length, int pieceLength)
{
    public FileId Id { get; } = id;

    public long Length { get; } = length;

    public int PieceLength { get; } = pieceLength;

    public int PieceCount { get; } = Manifest.CountPieces(length, pieceLength);

    /// <summary>Holders by client id; client ids grow with connection time, so the oldest comes first.</summary>
    public SortedDictionary<long, Holding> Holders { get; } = [];
}
