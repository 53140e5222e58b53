namespace P2PShare.Peer.Storage;

// Files fetched whole by a folder's batch (WholeFiles): held and shared as soon as they are placed.
public sealed partial class Repository
{
    private WholeFiles? _wholeFiles;

    /// <summary>Where a folder's small files are written before they are flushed and placed (<c>.p2pshare/incoming/</c>).</summary>
    internal WholeFiles WholeFiles => LazyInitializer.EnsureInitialized(ref _wholeFiles,
        () => new WholeFiles(Root, Path.Combine(Root, StateDirectoryName, "incoming"), _logger));

    /// <summary>
    /// Holds each of <paramref name="placed"/>, files just fetched whole and placed, and records them in the
    /// manifest cache (saved once for them all). Returns those held now, whether by this call or
    /// already (the same content placed meanwhile by another download).
    /// </summary>
    internal List<SharedFile> AddFetched(IReadOnlyList<SharedFile> placed)
    {
        var held = new List<SharedFile>(placed.Count);
        var added = new List<SharedFile>(placed.Count);
        lock (_gate)
        {
            foreach (var done in placed)
            {
                if (_disposed)
                    break;
                if (_files.TryAdd(done.Id, done))
                    added.Add(done);
                held.Add(done);
            }
        }
        _cache.Remember(added.Where(f => f.Stamp is not null).Select(f => (f.Name, f.Stamp!, f.Manifest)).ToList());
        return held;
    }
}
