using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Registry;

/// <summary>
/// One file id in one claimed shape, and who holds it so. Guarded by the registry's lock.
/// </summary>
internal sealed class FileRecord(FileKey key)
{
    public FileKey Key { get; } = key;

    public FileId Id => Key.Id;

    public FileShape Shape => Key.Shape;

    public int PieceCount { get; } = Manifest.CountPieces(key.Shape.Length, key.Shape.PieceLength);

    /// <summary>Holders by client id; client ids grow with connection time, so the oldest comes first.</summary>
    public SortedDictionary<long, Holding> Holders { get; } = [];
}
