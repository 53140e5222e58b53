using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// A peer holds at least these verified pieces of a file it already announced; no reply. One of
/// these stands for many <see cref="HavePiece"/> notices, so a fast download tells the tracker a
/// few times a second instead of once per piece. The receiver adds the pieces (never removes).
/// Grammar: <c>type::have_set;file::HEX;pieces::COUNT;have::BASE64;</c>
/// </summary>
public sealed record HaveSet(FileId File, int PieceCount, PieceSet Have) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "have_set";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // Always written, even when complete: "absent means all" would be ambiguous in a notice about gains.
        writer.Add("file", File.ToString()).Add("pieces", PieceCount).AddBase64("have", Have.ToBytes());
    }

    internal static HaveSet Read(Header h, ProtocolLimits limits)
    {
        int count = h.RequiredInt32("pieces", 1, limits.MaxPieceCount);
        return new HaveSet(FileId.Parse(h.Required("file")), count, PieceSet.FromBytes(count, h.RequiredBase64("have")));
    }
}
