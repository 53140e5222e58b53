using System.Net;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Registry;

/// <summary>
/// Who holds which file: keyed by <see cref="FileId"/>, each file with its holders (client id →
/// serving endpoint, name, pieces). A plain thread-safe class with no I/O; every method takes one
/// lock, so an answer never mixes two states (an announce is recorded whole; only the checks of
/// each entry on its own run outside the lock). Piece sets handed out are copies.
/// </summary>
/// <remarks>
/// A holder is listed (in <see cref="List"/> counts and <see cref="WhoHas"/>) only when it can serve
/// something: it named a listening port in its hello and holds at least one piece.
/// </remarks>
public sealed class FileRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<FileId, FileRecord> _files = [];
    private readonly Dictionary<long, ClientRecord> _clients = [];
    // name → ids some holder calls by it, with how many holders do: `list NAME` then costs what matches, not every file.
    private readonly Dictionary<string, Dictionary<FileId, int>> _byName = new(StringComparer.Ordinal);
    private readonly ProtocolLimits _limits;

    /// <summary>Creates an empty registry that checks entries against <paramref name="limits"/>.</summary>
    public FileRegistry(ProtocolLimits? limits = null) => _limits = limits ?? ProtocolLimits.Default;

    /// <summary>Clients joined now.</summary>
    public int ClientCount
    {
        get
        {
            lock (_lock)
                return _clients.Count;
        }
    }

    /// <summary>Distinct file ids held by anyone now.</summary>
    public int FileCount
    {
        get
        {
            lock (_lock)
                return _files.Count;
        }
    }

    /// <summary>Adds a client with no files yet, reachable at <paramref name="servingEndPoint"/> (port 0: serves nothing).</summary>
    public void Join(long clientId, IPEndPoint servingEndPoint)
    {
        ArgumentNullException.ThrowIfNull(servingEndPoint);
        lock (_lock)
        {
            if (!_clients.TryAdd(clientId, new ClientRecord(servingEndPoint)))
                throw new InvalidOperationException($"client {clientId} has already joined");
        }
    }

    /// <summary>Removes a client and everything it held; false if it was not joined.</summary>
    public bool Leave(long clientId)
    {
        lock (_lock)
        {
            if (!_clients.Remove(clientId, out var client))
                return false;
            DropHoldings(clientId, client);
            return true;
        }
    }

    /// <summary>
    /// Replaces the client's whole holding set with <paramref name="files"/>. Each entry is checked on
    /// its own: a bad name, a piece map that does not fit the length, or a length / piece length
    /// that differs from what other holders of the same id announced (an id is a manifest hash, so
    /// one of them lies) rejects that entry, and the rest are kept. A client that has left records nothing.
    /// </summary>
    public AnnounceResult Announce(long clientId, IReadOnlyList<FileEntry> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        // What an entry says about itself is checked before the lock: lookups wait only for the recording.
        var problems = new string?[files.Count];
        for (int i = 0; i < files.Count; i++)
            problems[i] = Check(files[i]);
        var rejections = new List<string>();
        int accepted = 0;
        lock (_lock)
        {
            if (!_clients.TryGetValue(clientId, out var client))
                return new AnnounceResult(0, [], ClientKnown: false);
            DropHoldings(clientId, client);
            for (int i = 0; i < files.Count; i++)
            {
                var entry = files[i];
                string? problem = problems[i] ?? Record(clientId, client, entry);
                if (problem is null)
                    accepted++;
                else
                    rejections.Add($"file '{entry.Name}' ({entry.Id.ShortText}) rejected: {problem}");
            }
        }
        return new AnnounceResult(accepted, rejections);
    }

    /// <summary>Records that the client gained <paramref name="piece"/> of a file it announced.</summary>
    public PieceMarkResult MarkPiece(long clientId, FileId file, int piece)
    {
        lock (_lock)
        {
            if (!_clients.ContainsKey(clientId))
                return PieceMarkResult.UnknownClient;
            if (!_files.TryGetValue(file, out var record) || !record.Holders.TryGetValue(clientId, out var holding))
                return PieceMarkResult.NotAnnounced;
            if (piece < 0 || piece >= record.PieceCount)
                return PieceMarkResult.OutOfRange;
            if (holding.Have is null || !holding.Have.Add(piece))
                return PieceMarkResult.AlreadyHeld;
            if (holding.Have.IsComplete)
                holding.Have = null;
            return PieceMarkResult.Marked;
        }
    }

    /// <summary>Records that the client holds at least <paramref name="pieces"/> of a file it announced (a batch of <c>have</c> notices).</summary>
    public PieceMarkResult MarkPieces(long clientId, FileId file, PieceSet pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        lock (_lock)
        {
            if (!_clients.ContainsKey(clientId))
                return PieceMarkResult.UnknownClient;
            if (!_files.TryGetValue(file, out var record) || !record.Holders.TryGetValue(clientId, out var holding))
                return PieceMarkResult.NotAnnounced;
            if (pieces.Count != record.PieceCount)
                return PieceMarkResult.OutOfRange;
            if (holding.Have is null || holding.Have.UnionWith(pieces) == 0)
                return PieceMarkResult.AlreadyHeld;
            if (holding.Have.IsComplete)
                holding.Have = null;
            return PieceMarkResult.Marked;
        }
    }

    /// <summary>
    /// The files someone can serve, sorted by name then id, with complete and partial holder counts.
    /// With <paramref name="name"/>, only files some holder calls by that exact name (and that name
    /// is the one reported). Files with one name but different ids are separate entries.
    /// </summary>
    public IReadOnlyList<NetworkFile> List(string? name = null)
    {
        var result = new List<NetworkFile>();
        lock (_lock)
        {
            IEnumerable<FileRecord> candidates = name is null
                ? _files.Values
                : _byName.TryGetValue(name, out var ids) ? ids.Keys.Select(id => _files[id]) : [];
            foreach (var record in candidates)
            {
                int complete = 0, partial = 0;
                string? firstName = null;
                bool named = name is null;
                foreach (var (clientId, holding) in record.Holders)
                {
                    if (!CanServe(_clients[clientId], holding))
                        continue;
                    firstName ??= holding.Name;
                    named |= holding.Name == name;
                    if (holding.IsComplete)
                        complete++;
                    else
                        partial++;
                }
                if (firstName is not null && named)
                    result.Add(new NetworkFile(record.Id, name ?? firstName, record.Length, record.PieceLength, complete, partial));
            }
        }
        result.Sort(static (a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Id.ToString(), b.Id.ToString());
        });
        if (result.Count > _limits.MaxListEntries)
            result.RemoveRange(_limits.MaxListEntries, result.Count - _limits.MaxListEntries);
        return result;
    }

    /// <summary>
    /// Every client other than <paramref name="askerId"/> that can serve (some of) <paramref name="file"/>,
    /// oldest connection first; null when there is none.
    /// </summary>
    public Holders? WhoHas(long askerId, FileId file)
    {
        lock (_lock)
        {
            if (!_files.TryGetValue(file, out var record))
                return null;
            var peers = new List<HolderEntry>(Math.Min(record.Holders.Count, _limits.MaxListEntries));
            string? name = null;
            foreach (var (clientId, holding) in record.Holders)
            {
                var client = _clients[clientId];
                if (clientId == askerId || !CanServe(client, holding) || peers.Count >= _limits.MaxListEntries)
                    continue;
                name ??= holding.Name;
                peers.Add(new HolderEntry(client.ServingHost, client.ServingEndPoint.Port, holding.Have?.Clone()));
            }
            return name is null ? null : new Holders(file, name, record.Length, record.PieceLength, peers);
        }
    }

    private static bool CanServe(ClientRecord client, Holding holding) =>
        client.Serves && (holding.Have is null || holding.Have.Present > 0);

    private string? Check(FileEntry entry)
    {
        if (FileNameRules.Check(entry.Name) is { } nameProblem)
            return nameProblem;
        if (entry.Length < 0)
            return $"its length {entry.Length} is negative";
        if (entry.PieceLength <= 0 || entry.PieceLength > _limits.MaxPieceLength)
            return $"its piece length {entry.PieceLength} is outside 1..{_limits.MaxPieceLength}";
        long pieces = (entry.Length + entry.PieceLength - 1) / entry.PieceLength;
        if (pieces > _limits.MaxPieceCount)
            return $"{entry.Length} bytes in pieces of {entry.PieceLength} make {pieces} pieces, over the limit of {_limits.MaxPieceCount}";
        if (entry.Have is not null && entry.Have.Count != pieces)
            return $"its piece map covers {entry.Have.Count} pieces but {entry.Length} bytes in pieces of {entry.PieceLength} make {pieces}";
        return null;
    }

    private string? Record(long clientId, ClientRecord client, FileEntry entry)
    {
        if (_files.TryGetValue(entry.Id, out var record))
        {
            if (record.Length != entry.Length || record.PieceLength != entry.PieceLength)
                return $"this id is held as {record.Length} bytes in pieces of {record.PieceLength}, not {entry.Length} in pieces of {entry.PieceLength}; an id names one manifest";
        }
        else
        {
            record = new FileRecord(entry.Id, entry.Length, entry.PieceLength);
            _files.Add(entry.Id, record);
        }

        var have = entry.Have is null || entry.Have.IsComplete ? null : entry.Have.Clone();
        if (record.Holders.TryGetValue(clientId, out var existing))
        {
            // The same content under two names in one repository: it holds the union.
            existing.Have = Union(existing.Have, have);
        }
        else
        {
            record.Holders.Add(clientId, new Holding(entry.Name, have));
            client.Files.Add(entry.Id);
            IndexName(entry.Name, entry.Id, +1);
        }
        return null;
    }

    private static PieceSet? Union(PieceSet? a, PieceSet? b)
    {
        if (a is null || b is null)
            return null;
        foreach (int piece in b.Indices())
            a.Add(piece);
        return a.IsComplete ? null : a;
    }

    private void IndexName(string name, FileId id, int change)
    {
        if (!_byName.TryGetValue(name, out var ids))
            _byName[name] = ids = [];
        int count = ids.GetValueOrDefault(id) + change;
        if (count > 0)
            ids[id] = count;
        else if (ids.Remove(id) && ids.Count == 0)
            _byName.Remove(name);
    }

    private void DropHoldings(long clientId, ClientRecord client)
    {
        foreach (var id in client.Files)
        {
            if (!_files.TryGetValue(id, out var record) || !record.Holders.TryGetValue(clientId, out var holding))
                continue;
            record.Holders.Remove(clientId);
            IndexName(holding.Name, id, -1);
            if (record.Holders.Count == 0)
                _files.Remove(id);
        }
        client.Files.Clear();
    }
}
