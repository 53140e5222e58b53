using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// One file the repository holds: either complete (a shared file, or a finished download) or a
/// download in progress, whose verified pieces live in <c>.p2pshare/downloads/ID.part</c> and whose
/// state (<see cref="PartState"/>) is rewritten crash-safely after every piece, or at most once per
/// persist interval (closing writes it; pieces a crash left unrecorded are found again by hashing
/// when the download is reopened, and the recorded ones hashed again, <see cref="PartRecovery"/>). A
/// download is owned by one process at a time through its <see cref="DownloadLock"/>. Readers
/// and writers of different pieces run concurrently with positional I/O.
/// </summary>
public sealed class LocalFile : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _persistGate = new();
    private readonly Lock _completeGate = new();
    private readonly ILogger _logger;
    private readonly string? _root;
    private readonly DownloadPaths? _paths;
    private readonly Action<string>? _beforeWrite;  // test seam: throws to simulate a full disk
    private readonly DownloadLock? _lock;          // held while this process owns the download; released on dispose or completion
    private readonly PieceSet _verified;       // guarded by _gate
    private volatile string _name;
    private volatile string _dataPath;         // the .part, or the final file once complete
    private volatile string? _finalPath;
    private SafeFileHandle? _handle;           // guarded by _gate; opened lazily for complete files
    private long _version;                     // guarded by _gate: bumped for every piece added
    private long _persistedVersion;            // guarded by _persistGate
    private readonly TimeSpan _persistInterval; // zero: the state is rewritten for every piece
    private int _persistScheduled;             // 1 while a delayed rewrite of the state is pending
    private volatile Exception? _persistFailure; // why the last delayed rewrite failed; the next write reports it
    private volatile int _recordedCount;       // pieces the state on disk claims
    private bool _disposed;                    // guarded by _gate
    private int _damagedOnOpen;                // recorded pieces that no longer matched when the download was reopened

    /// <summary>A complete file at <paramref name="path"/>.</summary>
    internal LocalFile(string name, Manifest manifest, string path, ILogger logger)
    {
        _name = name;
        Manifest = manifest;
        _logger = logger;
        _verified = PieceSet.Full(manifest.PieceCount);
        _dataPath = path;
        _finalPath = path;
    }

    /// <summary>
    /// A download in progress, writing through <paramref name="partHandle"/>, which it now owns. With a
    /// <paramref name="persistInterval"/> above zero the state is rewritten (and the data flushed) at most
    /// that often, off the writer's thread: fsyncs per piece would cap a download at the disk's sync rate.
    /// </summary>
    internal LocalFile(string root, PartState state, DownloadPaths paths, SafeFileHandle partHandle, ILogger logger, TimeSpan persistInterval = default, Action<string>? beforeWrite = null,
        DownloadLock? downloadLock = null, int damagedOnOpen = 0)
    {
        _lock = downloadLock;
        _damagedOnOpen = damagedOnOpen;
        _persistInterval = persistInterval;
        _beforeWrite = beforeWrite;
        _root = root;
        _name = state.Name;
        Manifest = state.Manifest;
        _verified = state.Verified.Clone();
        _recordedCount = _verified.Present;
        _paths = paths;
        _dataPath = paths.Part;
        _handle = partHandle;
        _logger = logger;
    }

    /// <summary>
    /// The stamp the complete file had when its manifest was made (null for a download in progress, or
    /// where unknown): a file whose stamp differs now was changed, or replaced, behind our back.
    /// </summary>
    internal FileStamp? Stamp { get; set; }

    /// <summary>
    /// Why the complete file can no longer be served as its manifest says: deleted, or changed since it
    /// was hashed (its stamp differs); null while it is as it was (and for a download in progress).
    /// A stat per call: cheap next to a piece, and the only way to notice an edit before sending its bytes.
    /// </summary>
    internal string? CheckOnDisk()
    {
        if (_finalPath is not { } path)
            return null;
        try
        {
            var now = FileStamp.Of(path);
            if (Stamp is { } was && now != was)
                return now.Length != was.Length
                    ? $"{path} changed on disk since it was hashed ({was.Length} bytes then, {now.Length} now)"
                    : $"{path} changed on disk since it was hashed";
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return $"{path} was deleted";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path} cannot be read any more ({e.Message})";
        }
    }

    /// <summary>The label: the final file name (for a download saved beside a different file of that name, the name it got).</summary>
    public string Name => _name;

    /// <summary>What the file is.</summary>
    public Manifest Manifest { get; }

    /// <summary>The content id, <see cref="Manifest.Id"/>.</summary>
    public FileId Id => Manifest.Id;

    /// <summary>True once every piece is verified and the file sits under its final name.</summary>
    public bool IsComplete => _finalPath is not null;

    /// <summary>Where the complete file is; null while downloading.</summary>
    public string? FinalPath => _finalPath;

    /// <summary>Pieces verified and stored.</summary>
    public int VerifiedCount
    {
        get
        {
            lock (_gate)
                return _verified.Present;
        }
    }

    /// <summary>Pieces the state on disk claims: what a crash, a full disk or <c>stop</c> keeps.</summary>
    public int RecordedCount => IsComplete ? VerifiedCount : _recordedCount;

    /// <summary>
    /// Pieces the state recorded as verified whose bytes no longer matched the manifest when this
    /// download was reopened (they are fetched again); reading it resets it, so the user hears it once.
    /// </summary>
    public int TakeDamagedOnOpen() => Interlocked.Exchange(ref _damagedOnOpen, 0);

    /// <summary>Raised (on the writer's thread, after the piece is recorded on disk) for every newly verified piece.</summary>
    public event Action<LocalFile, int>? PieceVerified;

    /// <summary>Raised once when a download completes; the repository records the file in its manifest cache.</summary>
    internal event Action<LocalFile>? Completed;

    /// <summary>A copy of the verified pieces.</summary>
    public PieceSet Snapshot()
    {
        lock (_gate)
            return _verified.Clone();
    }

    /// <summary>True when piece <paramref name="piece"/> is verified and can be read (false for an index out of range).</summary>
    public bool Has(int piece)
    {
        if (piece < 0 || piece >= Manifest.PieceCount)
            return false;
        lock (_gate)
            return _verified.Contains(piece);
    }

    /// <summary>
    /// Copies verified piece <paramref name="piece"/> into <paramref name="destination"/> (at least
    /// <see cref="Manifest.PieceSize(int)"/> bytes) and returns its length. Throws
    /// <see cref="StorageException"/> if the piece is not held or cannot be read.
    /// </summary>
    public int ReadPiece(int piece, Span<byte> destination)
    {
        if (!Has(piece))
            throw new StorageException($"piece {piece} of '{Name}' is not held here");
        int size = Manifest.PieceSize(piece);
        if (destination.Length < size)
            throw new ArgumentException($"the buffer of {destination.Length} bytes is smaller than piece {piece} ({size} bytes)", nameof(destination));
        for (int attempt = 0; ; attempt++)
        {
            string path = _dataPath;
            try
            {
                FileHasher.ReadExactly(AcquireHandle(), destination[..size], Manifest.PieceOffset(piece), path);
                return size;
            }
            catch (ObjectDisposedException) when (attempt == 0)
            {
                // Complete() swapped the .part handle for the final file's; read again from there.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException($"cannot read piece {piece} of '{Name}' from {path}: {e.Message}", e);
            }
        }
    }

    /// <summary>
    /// Where verified piece <paramref name="piece"/> lies on disk now, so the kernel can send it
    /// without a copy through our memory; false if it is not held. The path changes when a download
    /// completes, so a caller that fails to open it may ask again or fall back to <see cref="ReadPiece"/>.
    /// </summary>
    public bool TryLocatePiece(int piece, out string path, out long offset, out int size)
    {
        path = _dataPath;
        offset = 0;
        size = 0;
        if (!Has(piece))
            return false;
        offset = Manifest.PieceOffset(piece);
        size = Manifest.PieceSize(piece);
        return true;
    }

    /// <summary>
    /// Verifies <paramref name="data"/> as piece <paramref name="piece"/>, writes it at its offset and
    /// records it crash-safely. Concurrent writers of different pieces are fine. Throws
    /// <see cref="StorageException"/> when the disk refuses (the piece is then not recorded).
    /// </summary>
    public PieceWriteResult WritePiece(int piece, ReadOnlySpan<byte> data)
    {
        if (!Manifest.Verify(piece, data))
            return PieceWriteResult.HashMismatch;
        // A delayed state rewrite that failed (a full disk) fails the download now, rather than
        // letting it run on with pieces no state on disk will ever claim.
        if (_persistFailure is { } failure)
            throw new StorageException($"cannot record the pieces of '{Name}' in {_paths!.State}: {StorageException.Cause(failure)}", failure);
        if (Has(piece))
            return PieceWriteResult.AlreadyHad;
        try
        {
            _beforeWrite?.Invoke(_dataPath);
            RandomAccess.Write(AcquireHandle(), data, Manifest.PieceOffset(piece));
        }
        catch (ObjectDisposedException) when (Has(piece))
        {
            return PieceWriteResult.AlreadyHad; // completed meanwhile
        }
        catch (ObjectDisposedException e)
        {
            throw new StorageException($"'{Name}' is closed", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot write piece {piece} of '{Name}' to {_dataPath}: {StorageException.Cause(e)}", e);
        }

        long version;
        lock (_gate)
        {
            if (!_verified.Add(piece))
                return PieceWriteResult.AlreadyHad; // another writer of the same piece got there first
            version = ++_version;
        }
        if (_persistInterval > TimeSpan.Zero)
            SchedulePersist();
        else
            Persist(version, piece);
        PieceVerified?.Invoke(this, piece);
        return PieceWriteResult.Written;
    }

    /// <summary>
    /// Moves the finished download to <c>Root/Name</c> and removes its state. Never overwrites a
    /// different file: if that name is taken by other content the file is saved as "Name (2)",
    /// "base (2).ext" and so on; if it is taken by the same content the download is simply dropped.
    /// Returns the final path; throws <see cref="StorageException"/> if pieces are missing.
    /// </summary>
    public string Complete()
    {
        lock (_completeGate)
        {
            if (_finalPath is string done)
                return done;
            int missing;
            lock (_gate)
            {
                if (_disposed)
                    throw new StorageException($"'{Name}' is closed");
                missing = _verified.Count - _verified.Present;
            }
            if (missing > 0)
                throw new StorageException($"'{Name}' cannot be completed: {missing} of {Manifest.PieceCount} pieces are missing");

            string final;
            lock (_persistGate)
            {
                try
                {
                    SafeFileHandle? handle;
                    lock (_gate)
                    {
                        handle = _handle;
                        _handle = null;
                    }
                    if (handle is not null)
                    {
                        using (handle)
                            RandomAccess.FlushToDisk(handle);
                    }
                    final = FinalPlacement.Place(_root!, Name, _paths!.Part, Manifest, _logger);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new StorageException($"cannot move the finished '{Name}' into {_root}: {e.Message}", e);
                }
                _dataPath = final;
                _name = Path.GetFileName(final);
                _finalPath = final;
                foreach (string path in _paths!.All)
                {
                    if (!AtomicFile.TryDelete(path))
                        StorageLog.CleanupFailed(_logger, path, "the file could not be deleted");
                }
                _lock?.Release(delete: true);
            }
            StorageLog.Completed(_logger, Name, Id.ShortText, final);
            Completed?.Invoke(this);
            return final;
        }
    }

    /// <summary>Closes the file's handle. A download in progress keeps its state on disk and can be reopened.</summary>
    public void Dispose()
    {
        if (_persistInterval > TimeSpan.Zero)
            PersistPending();
        SafeFileHandle? handle;
        lock (_gate)
        {
            _disposed = true;
            handle = _handle;
            _handle = null;
        }
        handle?.Dispose();
        if (_finalPath is null)
            _lock?.Release(delete: false);
    }

    /// <summary>
    /// Closes a download that holds no verified piece and deletes its files (the sparse .part, its
    /// state and manifest, its lock): a failed start keeps nothing on disk. False (nothing done) if it
    /// is complete or holds a verified piece.
    /// </summary>
    internal bool DiscardIfEmpty()
    {
        lock (_completeGate)
        {
            lock (_persistGate)
            {
                SafeFileHandle? handle;
                lock (_gate)
                {
                    if (_finalPath is not null || _paths is null || _lock is null || _verified.Present > 0)
                        return false;
                    _disposed = true;
                    handle = _handle;
                    _handle = null;
                }
                handle?.Dispose();
                DownloadStore.DeleteFiles(_paths, _lock, _logger);
                return true;
            }
        }
    }

    private SafeFileHandle AcquireHandle()
    {
        lock (_gate)
        {
            if (_disposed)
                throw new StorageException($"'{Name}' is closed");
            if (_handle is null)
            {
                // Complete files are opened on first read; a download whose Complete() failed reopens its .part.
                _handle = IsComplete
                    ? File.OpenHandle(_dataPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete)
                    : File.OpenHandle(_dataPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            }
            return _handle;
        }
    }

    private void SchedulePersist()
    {
        if (Interlocked.Exchange(ref _persistScheduled, 1) != 0)
            return;
        _ = Task.Delay(_persistInterval).ContinueWith(_ =>
        {
            Volatile.Write(ref _persistScheduled, 0);
            if (!PersistPending())
                SchedulePersist(); // try again later; the pieces stay verified in memory meanwhile
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Writes the state if pieces were added since it was last written; false if the disk refused.</summary>
    private bool PersistPending()
    {
        lock (_persistGate)
        {
            long version;
            lock (_gate)
            {
                if (_disposed || _finalPath is not null)
                    return true;
                version = _version;
            }
            if (_persistedVersion >= version)
                return true;
            try
            {
                WriteState();
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException or StorageException)
            {
                StorageLog.StateWriteFailed(_logger, _paths!.State, e.Message);
                _persistFailure = e;
                return false;
            }
        }
    }

    /// <summary>Flushes the data, then replaces the state with the verified pieces now; call under <see cref="_persistGate"/>.</summary>
    private void WriteState()
    {
        PieceSet snapshot;
        long snapshotVersion;
        lock (_gate)
        {
            snapshot = _verified.Clone();
            snapshotVersion = _version;
        }
        // The data must be on disk before the state claims it.
        RandomAccess.FlushToDisk(AcquireHandle());
        _beforeWrite?.Invoke(_paths!.State);
        AtomicFile.Write(_paths!.State, new PartState(Name, Manifest, snapshot).ToBytes());
        _persistedVersion = snapshotVersion;
        _recordedCount = snapshot.Present;
        _persistFailure = null;
    }

    /// <summary>Makes the on-disk state cover version <paramref name="version"/>, or forgets <paramref name="piece"/> and throws.</summary>
    private void Persist(long version, int piece)
    {
        lock (_persistGate)
        {
            if (_persistedVersion >= version)
                return; // a concurrent writer already recorded a state that includes our piece
            try
            {
                WriteState();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                lock (_gate)
                    _verified.Remove(piece);
                throw new StorageException($"cannot record piece {piece} of '{Name}' in {_paths!.State}: {StorageException.Cause(e)}", e);
            }
        }
    }
}
