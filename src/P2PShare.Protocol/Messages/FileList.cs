using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The files in the network, or one page of them. Reply to <see cref="ListFiles"/> and <see cref="UpdateRequest"/>.
/// Grammar: <c>type::files;re::N;[more::M;next::CURSOR;]count::K;file.I.id::HEX;file.I.name::NAME;file.I.length::L;file.I.piece_length::P;file.I.complete::C;file.I.partial::Q;[file.I.name_complete::C;file.I.name_partial::Q;]</c>
/// </summary>
/// <remarks>
/// A tracker pages a list that would not fit in one frame: <see cref="More"/> entries follow this
/// page, and a <see cref="ListFiles"/> with <c>after</c> = <see cref="Next"/> (and the same name)
/// asks for them. A reader that knows nothing of pages sees a shorter, well-formed list.
/// <c>name_complete</c>/<c>name_partial</c> (both or neither) count the holders that give the
/// content this entry's name; absent, they equal <c>complete</c>/<c>partial</c>.
/// </remarks>
public sealed record FileList(IReadOnlyList<NetworkFile> Files) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "files";

    /// <summary>Entries left out of this page (0: it is the last page).</summary>
    public long More { get; init; }

    /// <summary>The cursor to ask for the next page with; null on the last page.</summary>
    public string? Next { get; init; }

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <summary>
    /// At most how many header bytes <paramref name="file"/> adds to a <c>files</c> message, at
    /// any index: a tracker fills a page until the next entry might not fit. Every escaped
    /// character takes at most twice its UTF-8 bytes.
    /// </summary>
    public static int EntrySizeBound(NetworkFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return EntryFixedBytes + 2 * System.Text.Encoding.UTF8.GetByteCount(file.Name);
    }

    /// <summary>At most how many header bytes a <c>files</c> message takes besides its entries, with a <c>next</c> cursor of <paramref name="cursorChars"/> characters.</summary>
    public static int HeadSizeBound(int cursorChars) => HeadFixedBytes + 3 * 2 * cursorChars;

    // Eight keys "file.I.FIELD::" (I ≤ 10 digits) with their ";", the id, and six numbers of ≤ 20 digits.
    private const int EntryFixedBytes = 8 * (5 + 10 + 1 + 2 + 1) + 2 + 4 + 6 + 12 + 8 + 7 + 13 + 12 + 64 + 6 * 20;

    // "type::files;re::N;more::M;next::;count::K;" with every number ≤ 20 digits.
    private const int HeadFixedBytes = 64 + 4 * 20;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        if (Next is not null)
            writer.Add("more", More).Add("next", Next);
        ListFields.WriteCount(writer, Files.Count);
        for (int i = 0; i < Files.Count; i++)
        {
            var f = Files[i];
            ListFields.WriteFileMeta(writer, "file", i, f.Id, f.Name, f.Length, f.PieceLength);
            writer.Add(ListFields.Key("file", i, "complete"), f.CompleteHolders)
                  .Add(ListFields.Key("file", i, "partial"), f.PartialHolders);
            // Only when they differ: the common entry (one name per content) costs no more bytes.
            if (f.HeldUnderOtherNames)
            {
                writer.Add(ListFields.Key("file", i, "name_complete"), f.NameCompleteHolders)
                      .Add(ListFields.Key("file", i, "name_partial"), f.NamePartialHolders);
            }
        }
    }

    internal static FileList Read(Header h, ProtocolLimits limits)
    {
        int count = ListFields.ReadCount(h, limits);
        var files = new List<NetworkFile>(count);
        for (int i = 0; i < count; i++)
        {
            var (id, name, length, pieceLength) = ListFields.ReadFileMeta(h, "file", i, limits);
            var file = new NetworkFile(id, name, length, pieceLength,
                h.RequiredInt32(ListFields.Key("file", i, "complete")),
                h.RequiredInt32(ListFields.Key("file", i, "partial")));
            files.Add(ReadNameHolders(h, i, file));
        }
        string? next = h.Optional("next");
        if (next is null)
            return new FileList(files);
        if (next.Length == 0)
            throw new ProtocolException("message 'files': an empty 'next' cursor");
        return new FileList(files) { Next = next, More = h.RequiredInt64("more", 1) };
    }

    // Both or neither (one alone fails as a missing key), and never more than the content's own counts (a name's holders are some of them).
    private static NetworkFile ReadNameHolders(Header h, int i, NetworkFile file)
    {
        var completeKey = ListFields.Key("file", i, "name_complete");
        var partialKey = ListFields.Key("file", i, "name_partial");
        if (!h.Has(completeKey) && !h.Has(partialKey))
            return file;
        return file with
        {
            NameCompleteHolders = h.RequiredInt32(completeKey, 0, file.CompleteHolders),
            NamePartialHolders = h.RequiredInt32(partialKey, 0, file.PartialHolders),
        };
    }
}
