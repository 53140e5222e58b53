using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Registry;

// The registry's questions: every one takes the lock once and copies what it hands out.
public sealed partial class FileRegistry
{
    /// <summary>
    /// Every file someone can serve, sorted by name, id and shape, with complete and partial holder
    /// counts (at most <see cref="ProtocolLimits.MaxListEntries"/>; a reply pages them with
    /// <see cref="ListPage(string?, string?, int)"/>). With <paramref name="name"/>, only files some holder calls by that
    /// exact name (and that name is the one reported). Files with one name but different ids, or
    /// one id in different claimed shapes, are separate entries; so is each name of one id (copies
    /// and empty files under several names), each with the holders of that content.
    /// </summary>
    public IReadOnlyList<NetworkFile> List(string? name = null)
    {
        return Collect(name, prefix: null, after: null, _limits.MaxListEntries).First;
    }

    /// <summary>
    /// One page of <see cref="List"/>: the entries after <paramref name="after"/> (a <see cref="FileList.Next"/>
    /// this registry made; null: from the start), as many as fit in <paramref name="maxHeaderBytes"/>
    /// of header, with how many are left and the cursor to ask for them. Null when
    /// <paramref name="after"/> is not a cursor.
    /// </summary>
    public FileList? ListPage(string? name, string? after, int maxHeaderBytes) => ListPage(name, null, after, maxHeaderBytes);

    /// <summary>
    /// <see cref="ListPage(string?, string?, int)"/> of the files whose listed name starts with
    /// <paramref name="prefix"/> (ordinal; null or empty: all), e.g. one folder's.
    /// </summary>
    public FileList? ListPage(string? name, string? prefix, string? after, int maxHeaderBytes)
    {
        ListCursor? start = null;
        if (after is not null)
        {
            if (!ListCursor.TryParse(after, out var cursor))
                return null;
            start = cursor;
        }
        // No page holds more entries than the smallest entries would fill, so only that many are sorted.
        int most = Math.Min(_limits.MaxListEntries, maxHeaderBytes / SmallestEntryBytes + 1);
        var (all, total) = Collect(name, prefix, start, most);
        int bytes = FileList.HeadSizeBound(0), taken = 0;
        while (taken < all.Count)
        {
            int next = FileList.EntrySizeBound(all[taken]);
            // Room for the cursor, which names the last entry taken, too.
            if (bytes + next + FileList.HeadSizeBound(CursorChars(all[taken])) - FileList.HeadSizeBound(0) > maxHeaderBytes && taken > 0)
                break;
            bytes += next;
            taken++;
        }
        if (taken == total)
            return new FileList(all);
        var page = all.GetRange(0, taken);
        return new FileList(page) { More = total - taken, Next = ListCursor.Of(page[^1]).ToString() };
    }

    private static readonly int SmallestEntryBytes = FileList.EntrySizeBound(new NetworkFile(default, "x", 0, 1, 0, 0));

    private static int CursorChars(NetworkFile file) => 64 + 3 + 20 + 10 + file.Name.Length;

    // The first `most` entries after `after` in list order, sorted, and how many follow `after` in all.
    // A bounded heap keeps a page's cost at n log(page) rather than sorting the whole network each time.
    private (List<NetworkFile> First, int Total) Collect(string? name, string? prefix, ListCursor? after, int most)
    {
        var kept = new PriorityQueue<NetworkFile, NetworkFile>(Comparer<NetworkFile>.Create(static (a, b) => ListCursor.Compare(b, a)));
        int total = 0;
        lock (_lock)
        {
            IEnumerable<FileRecord> candidates = name is null
                ? _files.Values.SelectMany(shapes => shapes)
                : _byName.TryGetValue(name, out var keys) ? keys.Keys.Select(Find) : [];
            foreach (var file in candidates.SelectMany(record => Summarize(record, name)))
            {
                if (!string.IsNullOrEmpty(prefix) && !file.Name.StartsWith(prefix, StringComparison.Ordinal))
                    continue;
                if (after is { } cursor && ListCursor.Compare(ListCursor.Of(file), cursor) <= 0)
                    continue;
                total++;
                if (kept.Count < most)
                    kept.Enqueue(file, file);
                else if (most > 0 && ListCursor.Compare(file, kept.Peek()) < 0)
                    kept.DequeueEnqueue(file, file);
            }
        }
        var result = new List<NetworkFile>(kept.Count);
        while (kept.TryDequeue(out var file, out _))
            result.Add(file);
        result.Reverse(); // the heap gives the last first
        return (result, total);
    }

    // The record's list entries: one per name its servers give it (with `name`, only that one), each
    // with the record's holder counts and, apart, the counts of the holders that use that name (a
    // copy elsewhere serves the content, but is no holder of this folder); none when nobody can serve it.
    private List<NetworkFile> Summarize(FileRecord record, string? name)
    {
        int complete = 0, partial = 0;
        var names = new List<(string Name, int Complete, int Partial)>(1);
        foreach (var (clientId, holding) in record.Holders)
        {
            if (!CanServe(_clients[clientId], holding))
                continue;
            foreach (string held in holding.Names)
            {
                if (name is not null && held != name)
                    continue;
                int at = names.FindIndex(n => string.Equals(n.Name, held, StringComparison.Ordinal));
                if (at < 0)
                {
                    at = names.Count;
                    names.Add((held, 0, 0));
                }
                names[at] = holding.IsComplete ? names[at] with { Complete = names[at].Complete + 1 } : names[at] with { Partial = names[at].Partial + 1 };
            }
            if (holding.IsComplete)
                complete++;
            else
                partial++;
        }
        return names.ConvertAll(n => new NetworkFile(record.Id, n.Name, record.Shape.Length, record.Shape.PieceLength, complete, partial)
        {
            NameCompleteHolders = n.Complete,
            NamePartialHolders = n.Partial,
        });
    }

    /// <summary>
    /// Every client other than <paramref name="askerId"/> that can serve (some of) <paramref name="file"/>
    /// in <paramref name="shape"/>, oldest connection first, as many as fit in
    /// <paramref name="maxHeaderBytes"/> of header; null when there is none. Without a shape, the one
    /// most holders claim (ties: the one whose holder came first).
    /// </summary>
    public Holders? WhoHas(long askerId, FileId file, FileShape? shape = null, int maxHeaderBytes = int.MaxValue)
    {
        lock (_lock)
        {
            if (!_files.TryGetValue(file, out var shapes))
                return null;
            var record = shape is { } wanted
                ? shapes.Find(r => r.Shape == wanted)
                : shapes.MaxBy(r => (r.Holders.Count(h => h.Key != askerId && CanServe(_clients[h.Key], h.Value)), -r.Holders.Keys.FirstOrDefault()));
            if (record is null)
                return null;
            var peers = new List<HolderEntry>(Math.Min(record.Holders.Count, _limits.MaxListEntries));
            string? name = null;
            int bytes = Holders.HeadSizeBound;
            foreach (var (clientId, holding) in record.Holders)
            {
                var client = _clients[clientId];
                if (clientId == askerId || !CanServe(client, holding))
                    continue;
                var peer = new HolderEntry(client.ServingHost, client.ServingEndPoint.Port, holding.Have);
                bytes += Holders.EntrySizeBound(peer);
                // The oldest holders fit; a downloader asks again as it goes, and the first it reaches suffice.
                if (peers.Count >= _limits.MaxListEntries || (bytes > maxHeaderBytes && peers.Count > 0))
                    break;
                name ??= holding.Name;
                peers.Add(peer with { Have = holding.Have?.Clone() });
            }
            return name is null ? null : new Holders(file, name, record.Shape.Length, record.Shape.PieceLength, peers);
        }
    }

    private static bool CanServe(ClientRecord client, Holding holding) =>
        client.Serves && (holding.Have is null || holding.Have.Present > 0);

    private FileRecord Find(FileKey key) => _files[key.Id].Find(r => r.Key == key)!;
}
