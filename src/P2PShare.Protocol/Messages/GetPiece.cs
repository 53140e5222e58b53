using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks a peer for one piece; answered by <see cref="PieceReply"/> or <c>not_found</c>. Several may
/// be in flight on one connection; replies come in request order.
/// Grammar: <c>type::get_piece;id::N;file::HEX;piece::I;</c>
/// </summary>
public sealed record GetPiece(FileId File, int Piece) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "get_piece";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) => writer.Add("file", File.ToString()).Add("piece", Piece);

    internal static GetPiece Read(Header h) => new(FileId.Parse(h.Required("file")), h.RequiredInt32("piece"));
}
