using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

// Copies: one content under several names. The table holds the content once; its other names are kept here.
public sealed partial class Repository
{
    /// <summary>The other names of content held here (each also a file on disk), by name.</summary>
    public IReadOnlyList<NamedCopy> Copies
    {
        get
        {
            lock (_gate)
                return [.. _copies.OrderBy(c => c.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Makes the complete, held <paramref name="source"/> also exist as <paramref name="name"/>: copied
    /// to a temporary file in the state folder, hashed against the manifest there (so the copy is the
    /// verified content, whatever happened to the source meanwhile), then placed as a download is
    /// (<see cref="FinalPlacement"/>: never over different content, folders checked). Returns where it
    /// is and whether it was there already. Throws <see cref="StorageException"/> when it cannot.
    /// </summary>
    public (string Path, bool AlreadyThere) PlaceCopy(SharedFile source, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        string checkedName = RepositoryPath.RequireSaveName(name);
        RepositoryPath.Combine(Root, checkedName); // its full path lies under Root
        // Already here under this name, or under the numbered name a placement gave it (name taken by other content)?
        foreach (string saved in FinalPlacement.SavedNames(Root, checkedName))
        {
            string path = RepositoryPath.Combine(Root, saved);
            if (saved == source.Name)
                return (source.Path, true);
            if (KnownCopy(source.Id, saved) is not null || FileHasher.Matches(path, source.Manifest))
            {
                Remember(new NamedCopy(saved, path, source.Id));
                return (path, true);
            }
        }
        if (!RepositoryPath.FoldersAreReal(Root, checkedName, out var folderProblem))
            throw new StorageException($"cannot save a file as '{name}': {folderProblem}") { NameBlocked = true };
        string temp = Path.Combine(Root, StateDirectoryName, $"copy-{Guid.NewGuid():N}.tmp");
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            File.Copy(source.Path, temp, overwrite: false);
            using (var written = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
                written.Flush(flushToDisk: true); // synced before the rename, as a finished download is
            if (!FileHasher.Matches(temp, source.Manifest))
                throw new StorageException($"'{source.Name}' changed on disk while it was copied to '{name}'; fetch it again");
            var (placedName, placedPath) = FinalPlacement.Place(Root, checkedName, temp, source.Manifest, _logger);
            Remember(new NamedCopy(placedName, placedPath, source.Id));
            if (FileStamp.TryOf(placedPath) is { } stamp)
                _cache.Remember(placedName, stamp, source.Manifest);
            StorageLog.Copied(_logger, placedName, source.Name, placedPath);
            return (placedPath, false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot copy '{source.Name}' to '{name}': {e.Message}", e);
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    private NamedCopy? KnownCopy(FileId id, string name)
    {
        lock (_gate)
            return _copies.Find(c => c.Id == id && c.Name == name && File.Exists(c.Path));
    }

    private void Remember(NamedCopy copy)
    {
        lock (_gate)
        {
            _copies.RemoveAll(c => c.Name == copy.Name);
            _copies.Add(copy);
        }
    }
}
