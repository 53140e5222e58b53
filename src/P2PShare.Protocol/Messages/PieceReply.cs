using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// One piece; the payload holds its raw bytes, which the receiver verifies against the manifest.
/// Grammar: <c>type::piece;re::N;file::HEX;piece::I;</c> + payload
/// </summary>
public sealed record PieceReply(FileId File, int Piece) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "piece";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) => writer.Add("file", File.ToString()).Add("piece", Piece);

    internal static PieceReply Read(Header h) => new(FileId.Parse(h.Required("file")), h.RequiredInt32("piece"));
}
