using System.Globalization;
using System.Text;
using P2PShare.Peer.Storage;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Text;

namespace P2PShare.Peer.Commands;

/// <summary>
/// The network's files as <c>list</c> shows them: a tree of folders and files. A folder's row gives
/// its total size, its file count and the fewest–most holders of any one file under it, counting those that give the file that name (the fewest
/// is what the whole folder can count on). Folders are opened level by level while the rows fit a
/// budget; a folder left closed is opened with <c>list FOLDER/</c>, so a 10,000-file network lists
/// as a screenful of folders, not 10,000 lines.
/// </summary>
internal static class FileListText
{
    /// <summary>Rows <c>list</c> opens folders up to (its own level is always shown whole).</summary>
    public const int TreeRows = 100;

    // The name column's widest: a longer name is cut in its middle, so it cannot widen every row.
    private const int NameColumns = 40, NarrowestLabel = 12;

    private sealed record Row(string Name, string Size, string Holders, string Id, string Note);

    public static string Render(IReadOnlyList<NetworkFile> files, Repository? local, string? pattern, int? maxRows)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
            return "No files in the network yet.";
        var (top, selected) = Select(files, pattern);
        if (selected.Count == 0)
            return $"None of the {Report.Plural(files.Count, "file")} in the network matches '{TerminalText.Escape(pattern!)}'.";

        var tree = FolderTree.Build(selected, top, f => IsLocal(f, local));
        var rows = new List<Row>();
        var closed = new List<FolderTree>();
        var open = Opened(tree, maxRows ?? TreeRows);
        Emit(tree, open, rows, closed, MarksOf(files), local);

        var shown = rows.Take(maxRows ?? int.MaxValue).ToList();
        int nameWidth = Math.Max(4, shown.Max(r => DisplayWidth.Of(r.Name)));
        int holdersWidth = Math.Max(7, shown.Max(r => r.Holders.Length));
        int idWidth = Math.Max(8, shown.Max(r => r.Id.Length));
        var text = new StringBuilder(Heading(files.Count, tree, top, pattern));
        text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {"name".PadRight(nameWidth)}  {"size",10}  {"holders".PadRight(holdersWidth)}  id");
        foreach (var r in shown)
        {
            string id = r.Note.Length == 0 ? r.Id : r.Id.PadRight(idWidth) + r.Note;
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {DisplayWidth.PadRight(r.Name, nameWidth)}  {r.Size,10}  {r.Holders.PadRight(holdersWidth)}  {id}");
        }
        if (rows.Count > shown.Count)
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  ... and {rows.Count - shown.Count:N0} more: {(closed.Count == 0 ? "`list PATTERN` filters (e.g. `list *.jpg`), " : "")}`list` shows them all.");
        if (closed.Count > 0)
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  `list FOLDER/` shows what is in a folder (e.g. `list {TerminalText.Escape(top + closed[0].Path)}`); `list PATTERN` filters (e.g. `list *.jpg`, `list {TerminalText.Escape(top + closed[0].Path)}**/*.jpg`).");
        return text.ToString();
    }

    // What the pattern selects, and the folder the tree starts at: a plain folder name (`photos/`,
    // or `photos` naming one) lists that folder; anything else filters the whole network.
    private static (string Top, IReadOnlyList<NetworkFile> Files) Select(IReadOnlyList<NetworkFile> files, string? pattern)
    {
        if (pattern is null)
            return ("", files);
        if (FolderOf(pattern) is { } top)
        {
            var inside = files.Where(f => f.Name.StartsWith(top, StringComparison.Ordinal)).ToList();
            if (inside.Count > 0)
                return (top, inside);
        }
        var matcher = new NamePattern(pattern);
        return ("", files.Where(f => matcher.Matches(f.Name)).ToList());
    }

    /// <summary>The folder a pattern names when it has no wildcard (<c>photos</c> or <c>photos/</c>: <c>photos/</c>); null otherwise.</summary>
    public static string? FolderOf(string? pattern) =>
        pattern is not null && !NamePattern.IsGlob(pattern) && pattern.Trim('/') is { Length: > 0 } folder ? folder + "/" : null;

    // Folders opened level by level, each while its rows still fit the budget.
    private static HashSet<FolderTree> Opened(FolderTree tree, int budget)
    {
        var open = new HashSet<FolderTree> { tree };
        int rows = tree.OpenRows;
        var level = tree.Folders.ToList();
        while (level.Count > 0)
        {
            var next = new List<FolderTree>();
            foreach (var folder in level)
            {
                if (rows + folder.OpenRows > budget)
                    continue;
                rows += folder.OpenRows;
                open.Add(folder);
                next.AddRange(folder.Folders);
            }
            level = next;
        }
        return open;
    }

    private static void Emit(FolderTree folder, HashSet<FolderTree> open, List<Row> rows, List<FolderTree> closed, NameMarks marks, Repository? local)
    {
        foreach (var sub in folder.Folders)
        {
            rows.Add(FolderRow(sub));
            if (open.Contains(sub))
                Emit(sub, open, rows, closed, marks, local);
            else
                closed.Add(sub);
        }
        foreach (var file in folder.Files)
        {
            string leaf = file.Name[(file.Name.LastIndexOf('/') + 1)..];
            rows.Add(new Row(Label(leaf, folder.Depth), Units.Bytes(file.Length), Holders(file.NameCompleteHolders, file.NamePartialHolders), file.Id.ShortText,
                Note(file, local, marks)));
        }
    }

    private static Row FolderRow(FolderTree folder)
    {
        string holders = Holders(folder.Complete, folder.Partial);
        string count = string.Create(CultureInfo.InvariantCulture, $"{folder.FileCount:N0} file{(folder.FileCount == 1 ? "" : "s")}");
        string note = folder.LocalCount == 0 ? ""
            : folder.LocalCount == folder.FileCount ? "  [local]"
            : string.Create(CultureInfo.InvariantCulture, $"  [local: {folder.LocalCount:N0} of {folder.FileCount:N0}]");
        return new Row(Label(folder.Name + "/", folder.Depth - 1), Units.Bytes(folder.Size), holders, count, note);
    }

    // Two spaces a level; a label too wide for the column loses its middle, never its end.
    private static string Label(string name, int depth)
    {
        string indent = new(' ', 2 * depth);
        return indent + DisplayWidth.TruncateMiddle(TerminalText.Escape(name), Math.Max(NarrowestLabel, NameColumns - indent.Length));
    }

    private static string Heading(int networkCount, FolderTree tree, string top, string? pattern)
    {
        string folders = tree.FolderCount == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" in {tree.FolderCount:N0} folder{(tree.FolderCount == 1 ? "" : "s")}");
        if (pattern is null)
            return string.Create(CultureInfo.InvariantCulture, $"Files in the network ({networkCount:N0}{folders}):");
        if (top.Length > 0)
            return string.Create(CultureInfo.InvariantCulture, $"Files in {TerminalText.Escape(top)} ({tree.FileCount:N0}{folders}, {Units.Bytes(tree.Size)}):");
        return string.Create(CultureInfo.InvariantCulture, $"Files in the network matching '{TerminalText.Escape(pattern)}' ({tree.FileCount:N0} of {networkCount:N0}{folders}):");
    }

    private static string Holders(int complete, int partial) => Holders((complete, complete), (partial, partial));

    // "2 complete", "1-3 complete, 0-1 partial": for a folder, the fewest and the most of any one file.
    private static string Holders((int Min, int Max) complete, (int Min, int Max) partial)
    {
        static string Span((int Min, int Max) r) => r.Min == r.Max
            ? r.Min.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{r.Min}-{r.Max}");
        if (partial.Max == 0)
            return Span(complete) + " complete";
        return complete.Max == 0 ? Span(partial) + " partial" : $"{Span(complete)} complete, {Span(partial)} partial";
    }

    private static bool IsLocal(NetworkFile f, Repository? local) =>
        local is not null && local.TryGet(f.Id, out var held) && held is { IsComplete: true };

    private static string Note(NetworkFile f, Repository? local, NameMarks marks)
    {
        var notes = new List<string>(3);
        if (local is not null && local.TryGet(f.Id, out var held) && held is not null)
            notes.Add(held.IsComplete ? "local" : string.Create(CultureInfo.InvariantCulture, $"local, {held.VerifiedCount}/{held.Manifest.PieceCount} pieces"));
        if (marks.SharedNames.Contains(f.Name))
            notes.Add("same name as another file: request it by id");
        if (marks.Contested.Contains(f.Id))
            notes.Add("holders disagree on its size: a download keeps the one its checked manifest gives");
        else if (marks.Names.TryGetValue(f.Id, out var names) && names.Count > 1)
            notes.Add(SameContent(f.Name, names));
        if (f.HeldUnderOtherNames)
            notes.Add(Holders(f.CompleteHolders, f.PartialHolders) + " in all, counting copies under other names");
        return notes.Count == 0 ? "" : "  [" + string.Join("; ", notes) + "]";
    }

    // "same content as b/x.jpg", "same content as b/x.jpg and 2 more": the first other name, by the list's order.
    private static string SameContent(string name, List<string> names)
    {
        string other = names.First(n => !string.Equals(n, name, StringComparison.Ordinal));
        string more = names.Count > 2 ? string.Create(CultureInfo.InvariantCulture, $" and {names.Count - 2:N0} more") : "";
        return "same content as " + TerminalText.Escape(other) + more;
    }

    private sealed record NameMarks(HashSet<string> SharedNames, HashSet<Protocol.Files.FileId> Contested, Dictionary<Protocol.Files.FileId, List<string>> Names);

    // A name is shared when it names different ids. One id listed in several shapes is one file some
    // holder lies about; one id in one shape under several names is one content with copies, no dispute.
    private static NameMarks MarksOf(IReadOnlyList<NetworkFile> files)
    {
        var byId = files.GroupBy(f => f.Id).ToList();
        return new(
            files.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Select(f => f.Id).Distinct().Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal),
            byId.Where(g => g.Select(f => (f.Length, f.PieceLength)).Distinct().Count() > 1).Select(g => g.Key).ToHashSet(),
            byId.Where(g => g.Count() > 1).ToDictionary(g => g.Key, g => g.Select(f => f.Name).Distinct(StringComparer.Ordinal).ToList()));
    }
}
