using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks the tracker who holds a file; answered by <see cref="Holders"/> (or <c>not_found</c>).
/// Grammar: <c>type::who_has;id::N;file::HEX;[length::L;piece_length::P;]</c>
/// </summary>
/// <remarks>
/// Holders may disagree about a file's shape (one of them lies: an id is a manifest hash, so it
/// names one length and piece length). The asker names the shape it picked from the list, so a
/// holder claiming another shape cannot stand in the way; without one the tracker picks.
/// </remarks>
public sealed record WhoHas(FileId File) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "who_has";

    /// <summary>Only holders that announced this shape (length, piece length); null: the tracker picks.</summary>
    public FileShape? Shape { get; init; }

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        writer.Add("file", File.ToString());
        if (Shape is { } shape)
            writer.Add("length", shape.Length).Add("piece_length", shape.PieceLength);
    }

    internal static WhoHas Read(Header h, ProtocolLimits limits)
    {
        var file = FileId.Parse(h.Required("file"));
        if (!h.Has("length") && !h.Has("piece_length"))
            return new WhoHas(file);
        return new WhoHas(file) { Shape = new FileShape(h.RequiredInt64("length"), h.RequiredInt32("piece_length", 1, limits.MaxPieceLength)) };
    }
}
