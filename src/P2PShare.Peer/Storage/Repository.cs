using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// One peer's repository folder. The shared files are the regular files directly in
/// <see cref="Root"/> (no subfolders, no symbolic links), except hidden names (starting with '.')
/// and names <see cref="FileNameRules"/> rejects. All state lives in <c>Root/.p2pshare/</c>: the
/// manifest cache (<c>manifests</c>) and the downloads in progress (<c>downloads/</c>).
/// </summary>
/// <remarks>
/// A cached manifest is reused while its file keeps its name, length and last-write time, whatever
/// piece length is chosen today: a file's id stays stable across restarts, and a downloaded file
/// keeps the id it was fetched under.
/// </remarks>
public sealed class Repository : IDisposable
{
    /// <summary>The folder inside <see cref="Root"/> that holds the repository's own state.</summary>
    public const string StateDirectoryName = ".p2pshare";

    private const int HashParallelism = 2;

    private readonly ILogger _logger;
    private readonly int? _pieceLengthOverride;
    private readonly string _cachePath;
    private readonly DownloadStore _downloads;
    private readonly Lock _gate = new();          // guards _files and _disposed
    private readonly Lock _openGate = new();      // one opener of a download at a time (scan or OpenDownload)
    private readonly Lock _cacheGate = new();     // guards _cache
    private readonly SemaphoreSlim _scanGate = new(1, 1);
    private Dictionary<FileId, LocalFile> _files = [];
    private ManifestCache? _cache;
    private long _hashedFileCount;
    private bool _disposed;

    /// <summary>Opens the repository at <paramref name="root"/>, creating the folder if missing.</summary>
    /// <param name="root">The folder.</param>
    /// <param name="logger">Where diagnostics go.</param>
    /// <param name="pieceLengthOverride">Piece length for newly hashed files; null chooses by size (<see cref="PieceLengthPolicy"/>).</param>
    /// <param name="statePersistInterval">How often, at most, a download's state is rewritten; zero (the default): after every piece.</param>
    /// <param name="beforeDiskWrite">Test seam: called with the path before every write to a download; throws to simulate a full disk.</param>
    public Repository(string root, ILogger logger, int? pieceLengthOverride = null, TimeSpan statePersistInterval = default, Action<string>? beforeDiskWrite = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        ArgumentNullException.ThrowIfNull(logger);
        if (pieceLengthOverride is int pieceLength)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pieceLength, nameof(pieceLengthOverride));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(pieceLength, ProtocolLimits.Default.MaxPieceLength, nameof(pieceLengthOverride));
        }
        _logger = logger;
        _pieceLengthOverride = pieceLengthOverride;
        Root = Path.GetFullPath(root);
        string stateDirectory = Path.Combine(Root, StateDirectoryName);
        string downloadsDirectory = Path.Combine(stateDirectory, "downloads");
        _cachePath = Path.Combine(stateDirectory, "manifests");
        try
        {
            Directory.CreateDirectory(downloadsDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot create the repository folder {Root}: {e.Message}", e);
        }
        _downloads = new DownloadStore(Root, downloadsDirectory, logger, statePersistInterval, beforeDiskWrite);
    }

    /// <summary>The repository folder (absolute).</summary>
    public string Root { get; }

    /// <summary>Files hashed so far by this instance (a file taken from the manifest cache is not counted).</summary>
    public long HashedFileCount => Interlocked.Read(ref _hashedFileCount);

    /// <summary>Everything held now, by name: complete files and downloads in progress.</summary>
    public IReadOnlyList<LocalFile> Files
    {
        get
        {
            lock (_gate)
                return [.. _files.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>The file with content id <paramref name="id"/>, complete or in progress.</summary>
    public bool TryGet(FileId id, out LocalFile? file)
    {
        lock (_gate)
            return _files.TryGetValue(id, out file);
    }

    /// <summary>
    /// Lists and hashes the shared files (taking unchanged ones from the manifest cache, hashing
    /// others two at a time) and loads the downloads in progress. Safe to call again: files
    /// removed from disk disappear, new and changed ones appear.
    /// </summary>
    public async Task<IReadOnlyList<LocalFile>> ScanAsync(CancellationToken cancellationToken)
    {
        await _scanGate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            var found = ShareScan.List(Root, _logger);
            int cached = 0;
            lock (_cacheGate)
            {
                _cache ??= ManifestCache.Load(_cachePath, _logger);
                foreach (var file in found)
                {
                    file.Manifest = _cache.Find(file.Name, file.Stamp);
                    cached += file.Manifest is null ? 0 : 1;
                }
            }
            var toHash = found.Where(f => f.Manifest is null).ToList();
            await Parallel.ForEachAsync(toHash, new ParallelOptions { MaxDegreeOfParallelism = HashParallelism, CancellationToken = cancellationToken },
                (file, token) =>
                {
                    int pieceLength = _pieceLengthOverride ?? PieceLengthPolicy.Choose(file.Length);
                    if (ShareScan.Hash(file, pieceLength, _logger, token))
                        Interlocked.Increment(ref _hashedFileCount);
                    return ValueTask.CompletedTask;
                });
            var shared = found.Where(f => f.Manifest is not null).ToList();

            lock (_cacheGate)
            {
                foreach (var file in shared)
                    _cache!.Set(file.Name, file.Stamp, file.Manifest!);
                _cache!.RetainOnly(shared.Select(f => f.Name).ToHashSet(StringComparer.Ordinal));
                _cache.TrySave(_cachePath, _logger);
            }

            var removed = Merge(shared);
            foreach (var file in removed)
                file.Dispose();
            var files = Files;
            StorageLog.Scanned(_logger, Root, files.Count(f => f.IsComplete), toHash.Count(f => f.Manifest is not null), cached, files.Count(f => !f.IsComplete));
            return files;
        }
        finally
        {
            _scanGate.Release();
        }
    }

    /// <summary>
    /// Takes the one file <paramref name="name"/> into the repository if it is there and its content
    /// is <paramref name="expected"/> (from the manifest cache while its stamp is unchanged, else
    /// hashed in pieces of <paramref name="pieceLength"/>). For a repository whose other files are not
    /// shared (a plain <c>get</c> into the current folder): a file already fetched is found without a
    /// scan of the whole folder. True if the repository now holds it complete.
    /// </summary>
    public async Task<bool> AdoptAsync(string name, FileId expected, int pieceLength, CancellationToken cancellationToken)
    {
        if (TryGet(expected, out var held) && held is { IsComplete: true })
            return true;
        if (FileNameRules.Check(name) is not null)
            return false;
        string path = Path.Combine(Root, name);
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
            return false;
        await _scanGate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            if (FileStamp.NotRegular(path) is not null)
                return false; // never opened: a named pipe would block the hashing
            var found = new ShareScan.Found(name, path, FileStamp.Of(path));
            lock (_cacheGate)
            {
                _cache ??= ManifestCache.Load(_cachePath, _logger);
                found.Manifest = _cache.Find(name, found.Stamp);
            }
            if (found.Manifest is null && !await Task.Run(() => ShareScan.Hash(found, pieceLength, _logger, cancellationToken), cancellationToken))
                return false;
            if (found.Manifest!.Id != expected)
                return false;
            lock (_cacheGate)
            {
                _cache!.Set(name, found.Stamp, found.Manifest);
                _cache.TrySave(_cachePath, _logger);
            }
            lock (_openGate)
            {
                if (!TryGet(expected, out _))
                    Register(new LocalFile(name, found.Manifest, path, _logger) { Stamp = found.Stamp });
            }
            return true;
        }
        catch (IOException e)
        {
            StorageLog.SkippedFile(_logger, name, $"its attributes cannot be read ({e.Message})");
            return false;
        }
        finally
        {
            _scanGate.Release();
        }
    }

    /// <summary>
    /// Opens the download of <paramref name="manifest"/>, to be saved as <paramref name="name"/>:
    /// resumes it with its verified pieces if it is in progress, returns the complete file if the
    /// repository holds it, otherwise starts it. Throws <see cref="StorageException"/> for a name
    /// that could escape the repository or be hidden, or when the disk refuses.
    /// </summary>
    public LocalFile OpenDownload(Manifest manifest, string name)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string checkedName = RequireName(name);
        lock (_openGate)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                if (_files.TryGetValue(manifest.Id, out var existing))
                    return existing;
            }
            var file = _downloads.OpenOrCreate(manifest, checkedName);
            Register(file);
            return file;
        }
    }

    /// <summary>
    /// Forgets the download of <paramref name="id"/> and deletes its files if it holds no verified
    /// piece (a download that failed or was stopped before its first piece): nothing would be kept,
    /// so nothing stays on disk. True if it was removed.
    /// </summary>
    public bool ReleaseIfEmpty(FileId id)
    {
        lock (_openGate)
        {
            LocalFile? file;
            lock (_gate)
            {
                if (_disposed || !_files.TryGetValue(id, out file) || file.IsComplete)
                    return false;
            }
            if (!file.DiscardIfEmpty())
                return false;
            lock (_gate)
                _files.Remove(id);
            StorageLog.ReleasedEmpty(_logger, file.Name, id.ShortText);
            return true;
        }
    }

    /// <summary>Raised after a complete file was forgotten (<see cref="ForgetGone"/>): what we hold changed, so the tracker should hear.</summary>
    public event Action<LocalFile>? FileGone;

    /// <summary>
    /// Forgets the complete <paramref name="file"/> because it is gone or changed on disk
    /// (<paramref name="why"/>), so it is no longer served or announced; the next scan finds whatever
    /// is there now. True if this call removed it (once, however many readers noticed at once).
    /// </summary>
    public bool ForgetGone(LocalFile file, string why)
    {
        ArgumentNullException.ThrowIfNull(file);
        lock (_openGate)
        {
            lock (_gate)
            {
                if (_disposed || !file.IsComplete || !_files.TryGetValue(file.Id, out var held) || !ReferenceEquals(held, file))
                    return false;
                _files.Remove(file.Id);
            }
        }
        StorageLog.ForgotGone(_logger, file.Name, file.Id.ShortText, why);
        file.Dispose();
        FileGone?.Invoke(file);
        return true;
    }

    /// <summary>Closes every file. Downloads in progress keep their state on disk.</summary>
    public void Dispose()
    {
        List<LocalFile> files;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            files = [.. _files.Values];
            _files = [];
        }
        foreach (var file in files)
            file.Dispose();
        // _scanGate is left undisposed: a scan still running releases it; it holds no wait handle.
    }

    private static string RequireName(string name)
    {
        if (FileNameRules.Check(name) is string problem)
            throw new StorageException($"cannot save a file as '{name}': {problem}");
        if (name.StartsWith('.'))
            throw new StorageException($"cannot save a file as '{name}': names starting with '.' are hidden, never shared, and reserved for the repository's own state");
        return name;
    }

    /// <summary>Installs the new set of complete files, keeps and loads downloads; returns the files dropped.</summary>
    private List<LocalFile> Merge(List<ShareScan.Found> shared)
    {
        lock (_openGate)
        {
            Dictionary<FileId, LocalFile> current;
            lock (_gate)
                current = new(_files);

            var next = new Dictionary<FileId, LocalFile>();
            foreach (var found in shared)
            {
                var id = found.Manifest!.Id;
                if (next.TryGetValue(id, out var first))
                    StorageLog.DuplicateContent(_logger, found.Name, first.Name);
                else if (current.TryGetValue(id, out var known) && known.IsComplete && known.FinalPath == found.Path)
                    next[id] = known;
                else
                    next[id] = new LocalFile(found.Name, found.Manifest, found.Path, _logger) { Stamp = found.Stamp };
            }
            foreach (var live in current.Values.Where(f => !f.IsComplete && !next.ContainsKey(f.Id)))
                next[live.Id] = live; // a download in progress owned by a session stays as it is
            foreach (var id in _downloads.ListIds().Where(id => !current.ContainsKey(id)))
            {
                if (next.TryGetValue(id, out var complete))
                {
                    // The file is already complete here (e.g. a crash between the move and the state removal).
                    StorageLog.StaleDownload(_logger, complete.Name, id.ShortText);
                    _downloads.Discard(id);
                }
                else if (_downloads.Load(id) is LocalFile download)
                {
                    download.Completed += OnDownloadCompleted;
                    next[id] = download;
                }
            }

            _downloads.RemoveOrphans(current.Values.Concat(next.Values).Where(f => !f.IsComplete).Select(f => f.Id).ToHashSet());

            lock (_gate)
            {
                if (_disposed)
                    return [.. next.Values];
                var removed = _files.Values.Where(f => !next.TryGetValue(f.Id, out var kept) || !ReferenceEquals(kept, f)).ToList();
                _files = next;
                return removed.Where(f => f.IsComplete).ToList(); // never close a download a session may be using
            }
        }
    }

    private void Register(LocalFile file)
    {
        if (!file.IsComplete)
            file.Completed += OnDownloadCompleted;
        lock (_gate)
        {
            if (_disposed)
            {
                file.Dispose();
                throw new ObjectDisposedException(nameof(Repository));
            }
            _files[file.Id] = file;
        }
    }

    /// <summary>Records a finished download in the manifest cache so a rescan keeps its id without re-hashing.</summary>
    private void OnDownloadCompleted(LocalFile file)
    {
        try
        {
            string name = Path.GetFileName(file.FinalPath!);
            var stamp = FileStamp.Of(file.FinalPath!);
            file.Stamp = stamp; // as written by us: a later change is noticed before its bytes are served
            lock (_cacheGate)
            {
                _cache ??= ManifestCache.Load(_cachePath, _logger);
                if (_cache.Find(name, stamp) is null)
                    _cache.Set(name, stamp, file.Manifest);
                _cache.TrySave(_cachePath, _logger);
            }
        }
        catch (FileNotFoundException)
        {
            // Moved or deleted already: the next scan sees what is there.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StorageLog.CacheSaveFailed(_logger, _cachePath, e.Message);
        }
    }

    private void ThrowIfDisposed()
    {
        lock (_gate)
            ObjectDisposedException.ThrowIf(_disposed, this);
    }
}
