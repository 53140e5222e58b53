using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// A peer's whole repository, replacing whatever it announced before. Sent as a request after
/// <see cref="Hello"/>, and as the reply to the tracker's <see cref="Refresh"/>.
/// Grammar: <c>type::announce;id::N;count::K;file.I.id::HEX;file.I.name::NAME;file.I.length::L;file.I.piece_length::P;[file.I.have::BASE64;]</c>
/// (<c>have</c> absent: the file is complete).
/// </summary>
public sealed record Announce(IReadOnlyList<FileEntry> Files) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "announce";

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
            ListFields.WriteHave(writer, ListFields.Key("file", i, "have"), f.Have);
        }
    }

    internal static Announce Read(Header h, ProtocolLimits limits)
    {
        int count = ListFields.ReadCount(h, limits);
        var files = new List<FileEntry>(count);
        for (int i = 0; i < count; i++)
        {
            // Without a readable id an entry cannot even be named in a refusal: that alone makes the message malformed.
            var id = FileId.Parse(h.Required(ListFields.Key("file", i, "id")));
            try
            {
                var (_, name, length, pieceLength) = ListFields.ReadFileMeta(h, "file", i, limits);
                int pieces = Manifest.CountPieces(length, pieceLength);
                files.Add(new FileEntry(id, name, length, pieceLength, ListFields.ReadHave(h, ListFields.Key("file", i, "have"), pieces)));
            }
            catch (ProtocolException e)
            {
                // One bad entry (a name a Windows peer cannot store, a shape over the limits) is refused alone.
                var rawName = ListFields.Key("file", i, "name");
                files.Add(new FileEntry(id, h.Has(rawName) ? h.Required(rawName) : "", 0, 1, null) { Refusal = e.Message });
            }
        }
        return new Announce(files);
    }
}
