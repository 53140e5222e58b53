using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The peers holding a file, other than the asker. Reply to <see cref="WhoHas"/>.
/// Grammar: <c>type::holders;re::N;file::HEX;name::NAME;length::L;piece_length::P;count::K;holder.I.host::ADDR;holder.I.port::PORT;[holder.I.have::BASE64;]</c>
/// </summary>
public sealed record Holders(FileId File, string Name, long Length, int PieceLength, IReadOnlyList<HolderEntry> Peers) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "holders";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <summary>
    /// At most how many header bytes <paramref name="holder"/> adds to a <c>holders</c> message, at
    /// any index (escaping at most doubles a character's UTF-8 bytes).
    /// </summary>
    public static int EntrySizeBound(HolderEntry holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        int have = holder.Have is { IsComplete: false } set ? 4 * ((set.Count + 7) / 8 + 2) / 3 : 0;
        return 3 * (7 + 10 + 1 + 4 + 3) + 10 + 2 * System.Text.Encoding.UTF8.GetByteCount(holder.Host) + have;
    }

    /// <summary>At most how many header bytes a <c>holders</c> message takes besides its holders (a name is at most 255 UTF-8 bytes).</summary>
    public const int HeadSizeBound = 64 + 64 + 2 * 255 + 5 * 20 + 64;

    /// <summary>Pieces in the file.</summary>
    public int PieceCount => Manifest.CountPieces(Length, PieceLength);

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        writer.Add("file", File.ToString()).Add("name", Name).Add("length", Length).Add("piece_length", PieceLength);
        ListFields.WriteCount(writer, Peers.Count);
        for (int i = 0; i < Peers.Count; i++)
        {
            writer.Add(ListFields.Key("holder", i, "host"), Peers[i].Host).Add(ListFields.Key("holder", i, "port"), Peers[i].Port);
            ListFields.WriteHave(writer, ListFields.Key("holder", i, "have"), Peers[i].Have);
        }
    }

    internal static Holders Read(Header h, ProtocolLimits limits)
    {
        var file = FileId.Parse(h.Required("file"));
        var name = FileNameRules.Require(h.Required("name"));
        long length = h.RequiredInt64("length");
        int pieceLength = h.RequiredInt32("piece_length", 1, limits.MaxPieceLength);
        int pieces = Manifest.CountPieces(length, pieceLength);
        if (pieces > limits.MaxPieceCount)
            throw new ProtocolException($"message 'holders': {pieces} pieces exceed the limit of {limits.MaxPieceCount}");
        int count = ListFields.ReadCount(h, limits);
        var peers = new List<HolderEntry>(count);
        for (int i = 0; i < count; i++)
        {
            peers.Add(new HolderEntry(
                h.Required(ListFields.Key("holder", i, "host")),
                h.RequiredInt32(ListFields.Key("holder", i, "port"), 1, 65535),
                ListFields.ReadHave(h, ListFields.Key("holder", i, "have"), pieces)));
        }
        return new Holders(file, name, length, pieceLength, peers);
    }
}
