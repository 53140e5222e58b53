using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Lists in a flat header: <c>count::K;</c> then each entry's fields as <c>PREFIX.I.KEY::VALUE;</c>
/// for I in 0..K-1. Unknown per-entry keys are ignored like any unknown key.
/// </summary>
internal static class ListFields
{
    public static void WriteCount(HeaderWriter writer, int count) => writer.Add("count", count);

    public static int ReadCount(Header h, ProtocolLimits limits) => h.RequiredInt32("count", 0, limits.MaxListEntries);

    public static EntryKey Key(string prefix, int index, string field) => new(prefix, index, field);

    public static void WriteFileMeta(HeaderWriter w, string prefix, int i, FileId id, string name, long length, int pieceLength) =>
        w.Add(Key(prefix, i, "id"), id.ToString())
         .Add(Key(prefix, i, "name"), name)
         .Add(Key(prefix, i, "length"), length)
         .Add(Key(prefix, i, "piece_length"), pieceLength);

    public static (FileId Id, string Name, long Length, int PieceLength) ReadFileMeta(Header h, string prefix, int i, ProtocolLimits limits)
    {
        var id = FileId.Parse(h.Required(Key(prefix, i, "id")));
        var name = FileNameRules.Require(h.Required(Key(prefix, i, "name")));
        var shape = ReadShape(h, prefix, i, limits);
        return (id, name, shape.Length, shape.PieceLength);
    }

    /// <summary>Entry <paramref name="i"/>'s <c>id</c>, <c>length</c> and <c>piece_length</c>, within the limits.</summary>
    public static ShapedFile ReadShapedFile(Header h, string prefix, int i, ProtocolLimits limits) =>
        new(FileId.Parse(h.Required(Key(prefix, i, "id"))), ReadShape(h, prefix, i, limits));

    private static FileShape ReadShape(Header h, string prefix, int i, ProtocolLimits limits)
    {
        long length = h.RequiredInt64(Key(prefix, i, "length"));
        int pieceLength = h.RequiredInt32(Key(prefix, i, "piece_length"), 1, limits.MaxPieceLength);
        long pieces = Manifest.CeilDiv(length, pieceLength);
        if (pieces > limits.MaxPieceCount)
            throw new ProtocolException($"message '{h.Type}' entry {i}: {length} bytes in pieces of {pieceLength} make {pieces} pieces, over the limit of {limits.MaxPieceCount}");
        return new FileShape(length, pieceLength);
    }

    /// <summary>Writes a bitfield unless the set is null or complete (absence means "all").</summary>
    public static void WriteHave(HeaderWriter w, EntryKey key, PieceSet? have)
    {
        if (Sent(have) is { } bytes)
            w.AddBase64(key, bytes);
    }

    /// <inheritdoc cref="WriteHave(HeaderWriter, EntryKey, PieceSet?)" />
    public static void WriteHave(HeaderWriter w, string key, PieceSet? have)
    {
        if (Sent(have) is { } bytes)
            w.AddBase64(key, bytes);
    }

    public static PieceSet? ReadHave(Header h, EntryKey key, int pieceCount) =>
        h.Has(key) ? Received(pieceCount, h.RequiredBase64(key)) : null;

    public static PieceSet? ReadHave(Header h, string key, int pieceCount) =>
        h.Has(key) ? Received(pieceCount, h.RequiredBase64(key)) : null;

    private static byte[]? Sent(PieceSet? have) => have is not null && !have.IsComplete ? have.ToBytes() : null;

    private static PieceSet? Received(int pieceCount, byte[] bytes)
    {
        var set = PieceSet.FromBytes(pieceCount, bytes);
        return set.IsComplete ? null : set;
    }
}
