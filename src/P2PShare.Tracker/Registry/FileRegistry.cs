using System.Net;
using System.Text;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Registry;

/// <summary>
/// Who holds which file: keyed by <see cref="FileId"/> and claimed shape (<see cref="FileKey"/>),
/// each with its holders (client id → serving endpoint, name, pieces). A plain thread-safe class
/// with no I/O; every method takes one lock, so an answer never mixes two states (an announce is
/// recorded whole; only the checks of each entry on its own run outside the lock). Piece sets
/// handed out are copies.
/// </summary>
/// <remarks>
/// A holder is listed (in <see cref="List"/> counts and <see cref="WhoHas"/>) only when it can serve
/// something: it named a listening port in its hello and holds at least one piece.
/// No client has power over another's entries: the first to announce an id fixes nothing (a
/// holder claiming another shape of the id is another entry), and each client's share of the
/// registry is bounded by <see cref="AnnounceLimits"/>.
/// This file holds what changes the registry; FileRegistry.Queries.cs what reads it (list, who_has).
/// </remarks>
public sealed partial class FileRegistry
{
    private readonly Lock _lock = new();
    // Every claimed shape of an id; nearly always one.
    private readonly Dictionary<FileId, List<FileRecord>> _files = [];
    private readonly Dictionary<long, ClientRecord> _clients = [];
    // name → files some holder calls by it, with how many holders do: `list NAME` then costs what matches, not every file.
    private readonly Dictionary<string, Dictionary<FileKey, int>> _byName = new(StringComparer.Ordinal);
    private readonly ProtocolLimits _limits;
    private readonly AnnounceLimits _announceLimits;

    /// <summary>Creates an empty registry that checks entries against <paramref name="limits"/> and bounds each client by <paramref name="announceLimits"/>.</summary>
    public FileRegistry(ProtocolLimits? limits = null, AnnounceLimits? announceLimits = null)
    {
        _limits = limits ?? ProtocolLimits.Default;
        _announceLimits = announceLimits ?? AnnounceLimits.Default;
    }

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
    /// its own: a bad name, a piece map that does not fit the length, one id in two shapes in one
    /// announce, or an entry past the client's <see cref="AnnounceLimits"/> rejects that entry, and
    /// the rest are kept. What other clients announced never rejects an entry. A client that has
    /// left records nothing.
    /// </summary>
    public AnnounceResult Announce(long clientId, IReadOnlyList<FileEntry> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        // What an entry says about itself is checked before the lock: lookups wait only for the recording.
        var problems = new string?[files.Count];
        for (int i = 0; i < files.Count; i++)
            problems[i] = Check(files[i]);
        var rejections = new List<AnnounceRefusal>();
        int accepted = 0;
        long nameBytes = 0;
        int entries = 0; // names recorded: a content under two names is two entries
        lock (_lock)
        {
            if (!_clients.TryGetValue(clientId, out var client))
                return new AnnounceResult(0, [], ClientKnown: false);
            DropHoldings(clientId, client);
            for (int i = 0; i < files.Count; i++)
            {
                var entry = files[i];
                string? problem = problems[i] ?? Record(clientId, client, entry, ref nameBytes, ref entries);
                if (problem is null)
                    accepted++;
                else
                    rejections.Add(new AnnounceRefusal(i, entry.Id, problem));
            }
        }
        return new AnnounceResult(accepted, rejections);
    }

    /// <summary>Records that the client gained <paramref name="piece"/> of a file it announced.</summary>
    public PieceMarkResult MarkPiece(long clientId, FileId file, int piece)
    {
        lock (_lock)
        {
            if (!_clients.TryGetValue(clientId, out var client))
                return PieceMarkResult.UnknownClient;
            if (!client.Files.TryGetValue(file, out var record) || !record.Holders.TryGetValue(clientId, out var holding))
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
            if (!_clients.TryGetValue(clientId, out var client))
                return PieceMarkResult.UnknownClient;
            if (!client.Files.TryGetValue(file, out var record) || !record.Holders.TryGetValue(clientId, out var holding))
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

    private string? Check(FileEntry entry)
    {
        if (entry.Refusal is { } unreadable)
            return unreadable;
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

    // Null when one more entry named as `entry` fits this client's limits (its name's bytes are then counted).
    private string? OverLimits(int entries, FileEntry entry, ref long nameBytes)
    {
        if (entries >= _announceLimits.MaxFiles)
            return $"over this tracker's limit of {_announceLimits.MaxFiles} files per peer";
        int bytes = Encoding.UTF8.GetByteCount(entry.Name);
        if (nameBytes + bytes > _announceLimits.MaxNameBytes)
            return $"over this tracker's limit of {_announceLimits.MaxNameBytes} bytes of file names per peer";
        nameBytes += bytes;
        return null;
    }

    private string? Record(long clientId, ClientRecord client, FileEntry entry, ref long nameBytes, ref int entries)
    {
        var key = new FileKey(entry.Id, new FileShape(entry.Length, entry.PieceLength));
        var have = entry.Have is null || entry.Have.IsComplete ? null : entry.Have.Clone();
        if (client.Files.TryGetValue(entry.Id, out var mine))
        {
            if (mine.Key != key)
                return $"this announce already lists this id as {mine.Shape.Length} bytes in pieces of {mine.Shape.PieceLength}; an id names one manifest";
            // The same content under two names in one repository (copies, empty files): every name is
            // listed, each counted against the limits as an entry of its own; the pieces held are the union.
            var existing = mine.Holders[clientId];
            if (!existing.Names.Contains(entry.Name, StringComparer.Ordinal) && OverLimits(entries, entry, ref nameBytes) is { } over)
                return over;
            existing.Have = Union(existing.Have, have);
            if (existing.AddName(entry.Name))
            {
                entries++;
                IndexName(entry.Name, key, +1);
            }
            return null;
        }
        if (OverLimits(entries, entry, ref nameBytes) is { } limit)
            return limit;
        entries++;

        if (!_files.TryGetValue(entry.Id, out var shapes))
            _files.Add(entry.Id, shapes = new List<FileRecord>(1));
        var record = shapes.Find(r => r.Key == key);
        if (record is null)
            shapes.Add(record = new FileRecord(key));
        record.Holders.Add(clientId, new Holding(entry.Name, have));
        client.Files.Add(entry.Id, record);
        IndexName(entry.Name, key, +1);
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

    private void IndexName(string name, FileKey key, int change)
    {
        if (!_byName.TryGetValue(name, out var keys))
            _byName[name] = keys = [];
        int count = keys.GetValueOrDefault(key) + change;
        if (count > 0)
            keys[key] = count;
        else if (keys.Remove(key) && keys.Count == 0)
            _byName.Remove(name);
    }

    private void DropHoldings(long clientId, ClientRecord client)
    {
        foreach (var record in client.Files.Values)
        {
            if (!record.Holders.Remove(clientId, out var holding))
                continue;
            foreach (string name in holding.Names)
                IndexName(name, record.Key, -1);
            if (record.Holders.Count > 0)
                continue;
            var shapes = _files[record.Id];
            shapes.Remove(record);
            if (shapes.Count == 0)
                _files.Remove(record.Id);
        }
        client.Files.Clear();
    }
}
