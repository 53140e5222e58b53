using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks the tracker which peers hold each of many files complete; answered by <see cref="HoldersMany"/>.
/// Grammar: <c>type::who_has_many;id::N;count::K;file.I.id::HEX;file.I.length::L;file.I.piece_length::P;</c>
/// </summary>
/// <remarks>
/// One round trip for a folder's small files instead of one <see cref="WhoHas"/> each: a 1,000-file
/// folder cost the tracker and the asker a request, a reply and their system calls per file. Only
/// complete holders are named, with no piece maps: it is meant for files a holder serves whole.
/// </remarks>
public sealed record WhoHasMany(IReadOnlyList<ShapedFile> Files) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "who_has_many";

    /// <summary>Files one request may name: the reply for this many fits a header with room to spare.</summary>
    public const int MaxFiles = 1000;

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        ListFields.WriteCount(writer, Files.Count);
        for (int i = 0; i < Files.Count; i++)
        {
            writer.Add(ListFields.Key("file", i, "id"), Files[i].Id.ToString())
                .Add(ListFields.Key("file", i, "length"), Files[i].Shape.Length)
                .Add(ListFields.Key("file", i, "piece_length"), Files[i].Shape.PieceLength);
        }
    }

    internal static WhoHasMany Read(Header h, ProtocolLimits limits)
    {
        int count = h.RequiredInt32("count", 1, MaxFiles);
        var files = new List<ShapedFile>(count);
        for (int i = 0; i < count; i++)
            files.Add(ListFields.ReadShapedFile(h, "file", i, limits));
        return new WhoHasMany(files);
    }
}
