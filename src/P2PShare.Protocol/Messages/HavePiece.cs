using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// A peer gained a verified piece of a file it already announced (to the tracker), or of a file a
/// fetcher watches on this connection (<see cref="GetHave.Watch"/>); no reply.
/// Grammar: <c>type::have;file::HEX;piece::I;</c>
/// </summary>
public sealed record HavePiece(FileId File, int Piece) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "have";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) =>
        writer.Add("file", File.ToString()).Add("piece", Piece);

    internal static HavePiece Read(Header h) => new(FileId.Parse(h.Required("file")), h.RequiredInt32("piece"));
}
