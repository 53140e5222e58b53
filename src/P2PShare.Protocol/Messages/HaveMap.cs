using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The pieces a peer holds of a file. Reply to <see cref="GetHave"/>.
/// Grammar: <c>type::have_map;re::N;file::HEX;pieces::COUNT;[have::BASE64;]</c> (<c>have</c> absent: all pieces)
/// </summary>
public sealed record HaveMap(FileId File, int PieceCount, PieceSet? Have) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "have_map";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        writer.Add("file", File.ToString()).Add("pieces", PieceCount);
        ListFields.WriteHave(writer, "have", Have);
    }

    internal static HaveMap Read(Header h, ProtocolLimits limits)
    {
        int count = h.RequiredInt32("pieces", 0, limits.MaxPieceCount);
        return new HaveMap(FileId.Parse(h.Required("file")), count, ListFields.ReadHave(h, "have", count));
    }
}
