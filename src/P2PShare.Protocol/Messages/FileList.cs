using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The files in the network. Reply to <see cref="ListFiles"/> and <see cref="UpdateRequest"/>.
/// Grammar: <c>type::files;re::N;count::K;file.I.id::HEX;file.I.name::NAME;file.I.length::L;file.I.piece_length::P;file.I.complete::C;file.I.partial::Q;</c>
/// </summary>
public sealed record FileList(IReadOnlyList<NetworkFile> Files) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "files";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        ListFields.WriteCount(writer, Files.Count);
        for (int i = 0; i < Files.Count; i++)
        {
            var f = Files[i];
            ListFields.WriteFileMeta(writer, "file", i, f.Id, f.Name, f.Length, f.PieceLength);
            writer.Add(ListFields.Key("file", i, "complete"), f.CompleteHolders)
                  .Add(ListFields.Key("file", i, "partial"), f.PartialHolders);
        }
    }

    internal static FileList Read(Header h, ProtocolLimits limits)
    {
        int count = ListFields.ReadCount(h, limits);
        var files = new List<NetworkFile>(count);
        for (int i = 0; i < count; i++)
        {
            var (id, name, length, pieceLength) = ListFields.ReadFileMeta(h, "file", i, limits);
            files.Add(new NetworkFile(id, name, length, pieceLength,
                h.RequiredInt32(ListFields.Key("file", i, "complete")),
                h.RequiredInt32(ListFields.Key("file", i, "partial"))));
        }
        return new FileList(files);
    }
}
