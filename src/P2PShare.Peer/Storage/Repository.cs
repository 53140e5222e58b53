using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// One peer's repository folder. The shared files are the regular files anywhere under
/// <see cref="Root"/>, named by their relative path (<c>photos/2025/beach.jpg</c>), except hidden
/// files and folders (starting with '.'), symbolic links and names <see cref="FileNameRules"/>
/// rejects. All state lives in <c>Root/.p2pshare/</c>: the manifest cache (<c>manifests</c>) and
/// the downloads in progress (<c>downloads/</c>, keyed by content id, so a nested name needs no
/// folder there).
/// </summary>
/// <remarks>
/// A cached manifest is reused while its file keeps its name, length and last-write time, whatever
/// piece length is chosen today: a file's id stays stable across restarts, and a downloaded file
/// keeps the id it was fetched under.
/// </remarks>
public sealed partial class Repository : IDisposable
{
    /// <summary>The folder inside <see cref="Root"/> that holds the repository's own state.</summary>
    public const string StateDirectoryName = ".p2pshare";

    private const int HashParallelism = 2;

    private readonly ILogger _logger;
    private readonly int? _pieceLengthOverride;
    private readonly CachedManifests _cache;
    private readonly DownloadStore _downloads;
    private readonly Lock _gate = new();          // guards _files and _disposed
    private readonly Lock _openGate = new();      // one opener of a download at a time (scan or OpenDownload)
    private readonly SemaphoreSlim _scanGate = new(1, 1);
    private Dictionary<FileId, HeldFile> _files = [];
    private List<NamedCopy> _copies = []; // guarded by _gate; the other names of held content (Repository.Copies.cs)
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
        _cache = new CachedManifests(Path.Combine(stateDirectory, "manifests"), logger);
        try
        {
            Directory.CreateDirectory(downloadsDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Name the folder that failed: a read-only repository exists, only its state folder could not be made.
            throw new StorageException(Directory.Exists(Root)
                ? $"cannot create the state folder {stateDirectory} inside the repository folder (it must be writable, to keep downloads' progress and to save files into it): {e.Message}"
                : $"cannot create the repository folder {Root}: {e.Message}", e);
        }
        _downloads = new DownloadStore(Root, downloadsDirectory, logger, statePersistInterval, beforeDiskWrite);
    }

    /// <summary>The repository folder (absolute).</summary>
    public string Root { get; }

    /// <summary>Files hashed so far by this instance (a file taken from the manifest cache is not counted).</summary>
    public long HashedFileCount => Interlocked.Read(ref _hashedFileCount);

    /// <summary>Everything held now, by name: complete files and downloads in progress.</summary>
    public IReadOnlyList<HeldFile> Files
    {
        get
        {
            lock (_gate)
                return [.. _files.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>The file with content id <paramref name="id"/>, complete or in progress.</summary>
    public bool TryGet(FileId id, out HeldFile? file)
    {
        lock (_gate)
            return _files.TryGetValue(id, out file);
    }

    /// <summary>
    /// Lists and hashes the shared files (taking unchanged ones from the manifest cache, hashing
    /// others two at a time) and loads the downloads in progress. Safe to call again: files
    /// removed from disk disappear, new and changed ones appear.
    /// </summary>
    public async Task<IReadOnlyList<HeldFile>> ScanAsync(CancellationToken cancellationToken)
    {
        await _scanGate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            var found = ShareScan.List(Root, _logger);
            int cached = _cache.FillIn(found);
            var toHash = found.Where(f => f.Manifest is null).ToList();
            int hashed = await ShareScan.HashAllAsync(toHash, length => _pieceLengthOverride ?? PieceLengthPolicy.Choose(length), HashParallelism, _logger, cancellationToken);
            Interlocked.Add(ref _hashedFileCount, hashed);
            var shared = found.Where(f => f.Manifest is not null).ToList();
            _cache.KeepOnly(shared);

            foreach (var file in Merge(shared))
                file.Dispose();
            var files = Files;
            StorageLog.Scanned(_logger, Root, files.Count(f => f.IsComplete), hashed, cached, files.Count(f => !f.IsComplete));
            return files;
        }
        finally
        {
            _scanGate.Release();
        }
    }

    /// <summary>
    /// Opens the download of <paramref name="manifest"/>, to be saved as <paramref name="name"/>:
    /// resumes it with its verified pieces if it is in progress, otherwise starts it. Throws
    /// <see cref="StorageException"/> if the repository holds the file complete already, for a name
    /// that could escape the repository or be hidden, whose folder is a symbolic link or a file, or
    /// when the disk refuses.
    /// </summary>
    public PartFile OpenDownload(Manifest manifest, string name)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string checkedName = RepositoryPath.RequireSaveName(name);
        RepositoryPath.Combine(Root, checkedName); // its full path lies under Root: checked before a byte is fetched
        if (!RepositoryPath.FoldersAreReal(Root, checkedName, out var folderProblem))
            throw new StorageException($"cannot save a file as '{name}': {folderProblem}") { NameBlocked = true }; // checked again when it is placed
        lock (_openGate)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                if (_files.TryGetValue(manifest.Id, out var existing))
                {
                    return existing as PartFile
                        ?? throw new StorageException($"'{existing.Name}' ({manifest.Id.ShortText}) is complete here already, at {existing.FinalPath}");
                }
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
            HeldFile? file;
            lock (_gate)
            {
                if (_disposed || !_files.TryGetValue(id, out file))
                    return false;
            }
            if (file is not PartFile part || !part.DiscardIfEmpty())
                return false;
            lock (_gate)
                _files.Remove(id);
            StorageLog.ReleasedEmpty(_logger, file.Name, id.ShortText);
            return true;
        }
    }

    /// <summary>Raised after a complete file was forgotten (<see cref="ForgetGone"/>): what we hold changed, so the tracker should hear.</summary>
    public event Action<SharedFile>? FileGone;

    /// <summary>
    /// Forgets the complete <paramref name="file"/> because it is gone or changed on disk
    /// (<paramref name="why"/>), so it is no longer served or announced; the next scan finds whatever
    /// is there now. True if this call removed it (once, however many readers noticed at once).
    /// </summary>
    public bool ForgetGone(SharedFile file, string why)
    {
        ArgumentNullException.ThrowIfNull(file);
        lock (_openGate)
        {
            lock (_gate)
            {
                if (_disposed || !_files.TryGetValue(file.Id, out var held) || !ReferenceEquals(held, file))
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
        List<HeldFile> files;
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

    /// <summary>Installs the table a scan found (<see cref="ScanMerge"/>); returns the complete files dropped.</summary>
    private List<HeldFile> Merge(List<ShareScan.Found> shared)
    {
        lock (_openGate)
        {
            Dictionary<FileId, HeldFile> current;
            lock (_gate)
                current = new(_files);
            var next = ScanMerge.Next(current, shared, _downloads, _logger, download => download.Completed += OnDownloadCompleted, out var copies);
            lock (_gate)
            {
                if (_disposed)
                    return [.. next.Values];
                _copies = copies;
                var removed = _files.Values.Where(f => !next.TryGetValue(f.Id, out var kept) || !ReferenceEquals(kept, f)).ToList();
                _files = next;
                return removed.Where(f => f.IsComplete).ToList(); // never close a download a session may be using
            }
        }
    }

    private void Register(HeldFile file)
    {
        if (file is PartFile download)
            download.Completed += OnDownloadCompleted;
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

    /// <summary>
    /// Holds the finished file instead of the download, and records it in the manifest cache so a
    /// rescan keeps its id without re-hashing.
    /// </summary>
    private void OnDownloadCompleted(PartFile download, SharedFile done)
    {
        lock (_gate)
        {
            if (!_disposed && _files.TryGetValue(done.Id, out var held) && ReferenceEquals(held, download))
                _files[done.Id] = done;
        }
        if (done.Stamp is { } stamp) // null when it was moved or deleted at once: the next scan sees what is there
            _cache.Remember(done.Name, stamp, done.Manifest);
    }

    private void ThrowIfDisposed()
    {
        lock (_gate)
            ObjectDisposedException.ThrowIf(_disposed, this);
    }
}
