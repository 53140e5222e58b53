using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks a peer for one piece; answered by <see cref="PieceReply"/> or <c>not_found</c> (or, with
/// <see cref="MayDefer"/>, <c>elsewhere</c>). Several may be in flight on one connection; replies come in request order.
/// Grammar: <c>type::get_piece;id::N;file::HEX;piece::I;[defer::1;]</c>
/// </summary>
public sealed record GetPiece(FileId File, int Piece) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "get_piece";

    /// <summary>
    /// The fetcher can get this piece from another downloader: a server that sent it to another
    /// fetcher moments ago may answer <see cref="ErrorCodes.Elsewhere"/> instead of sending it again.
    /// Absent on the wire (false) from older fetchers, which are always served; older servers ignore it.
    /// </summary>
    public bool MayDefer { get; init; }

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("file", File.ToString()).Add("piece", Piece);
        if (MayDefer)
            writer.Add("defer", 1);
    }

    internal static GetPiece Read(Header h) =>
        new(FileId.Parse(h.Required("file")), h.RequiredInt32("piece")) { MayDefer = h.OptionalInt64("defer", 0, 0, 1) == 1 };
}
