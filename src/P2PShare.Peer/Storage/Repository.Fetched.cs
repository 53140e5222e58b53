namespace P2PShare.Peer.Storage;

// Files fetched whole by a folder's batch (WholeFiles): held and shared as soon as they are placed.
public sealed partial class Repository
{
    private WholeFiles? _wholeFiles;

    /// <summary>Where a folder's small files are written before they are flushed and placed (<c>.p2pshare/incoming/</c>).</summary>
    internal WholeFiles WholeFiles => LazyInitializer.EnsureInitialized(ref _wholeFiles,
        () => new WholeFiles(Root, Path.Combine(Root, StateDirectoryName, "incoming"), _logger));

    /// <summary>
    /// Holds <paramref name="done"/>, a file just fetched whole and placed, and records it in the manifest
    /// cache. False (and nothing held) when its content is held already (placed meanwhile by another download).
    /// </summary>
    internal bool AddFetched(SharedFile done)
    {
        lock (_gate)
        {
            if (_disposed || _files.ContainsKey(done.Id))
                return false;
            _files[done.Id] = done;
        }
        if (done.Stamp is { } stamp)
            _cache.Remember(done.Name, stamp, done.Manifest);
        return true;
    }
}
