using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// A download in progress: its verified pieces live in <c>.p2pshare/downloads/ID.part</c>, recorded
/// by a <see cref="PartStateWriter"/> (pieces a crash left unrecorded are found again by hashing
/// when the download is reopened, and the recorded ones hashed again, <see cref="PartRecovery"/>). It
/// is owned by one process at a time through its <see cref="DownloadLock"/>. Writers and readers of
/// different pieces run concurrently with positional I/O. <see cref="Complete"/> turns it into a
/// <see cref="SharedFile"/>.
/// </summary>
public sealed class PartFile : HeldFile
{
    private readonly Lock _gate = new();
    private readonly string _root;
    private readonly string _name;                 // the name asked for; the final file may get a numbered one
    private readonly DownloadPaths _paths;
    private readonly ILogger _logger;
    private readonly Action<string>? _beforeWrite; // test seam: throws to simulate a full disk
    private readonly DownloadLock _lock;           // held while this process owns the download
    private readonly PartStateWriter _state;
    private readonly PieceSet _verified;           // guarded by _gate
    private SafeFileHandle? _handle;               // guarded by _gate; null once closed (reopened if completing failed)
    private long _version;                         // guarded by _gate: bumped for every piece added
    private bool _disposed;                        // guarded by _gate
    private volatile SharedFile? _completed;
    private int _damagedOnOpen;

    /// <summary>The download of <paramref name="state"/>, writing through <paramref name="partHandle"/>, which it now owns, as does it <paramref name="downloadLock"/>.</summary>
    internal PartFile(string root, PartState state, DownloadPaths paths, SafeFileHandle partHandle, DownloadLock downloadLock, ILogger logger,
        TimeSpan persistInterval, Action<string>? beforeWrite, int damagedOnOpen)
        : base(state.Manifest)
    {
        _root = root;
        _name = state.Name;
        _paths = paths;
        _handle = partHandle;
        _lock = downloadLock;
        _logger = logger;
        _beforeWrite = beforeWrite;
        _damagedOnOpen = damagedOnOpen;
        _verified = state.Verified.Clone();
        _state = new PartStateWriter(state.Name, state.Manifest, paths, persistInterval, logger, StateSnapshot,
            () => RandomAccess.FlushToDisk(AcquireHandle()), beforeWrite);
        _state.Opened(_verified.Present);
    }

    /// <inheritdoc />
    public override string Name => _completed?.Name ?? _name;

    /// <inheritdoc />
    public override bool IsComplete => _completed is not null;

    /// <inheritdoc />
    public override string? FinalPath => _completed?.Path;

    /// <inheritdoc />
    public override int VerifiedCount
    {
        get
        {
            lock (_gate)
                return _verified.Present;
        }
    }

    /// <summary>Pieces the state on disk claims: what a crash, a full disk or <c>stop</c> keeps.</summary>
    public int RecordedCount => IsComplete ? VerifiedCount : _state.RecordedCount;

    /// <summary>
    /// Pieces the state recorded as verified whose bytes no longer matched the manifest when this
    /// download was reopened (they are fetched again); reading it resets it, so the user hears it once.
    /// </summary>
    public int TakeDamagedOnOpen() => Interlocked.Exchange(ref _damagedOnOpen, 0);

    /// <summary>Raised (on the writer's thread, after the piece is recorded) for every newly verified piece.</summary>
    public event Action<PartFile, int>? PieceVerified;

    /// <summary>Raised once when the download completes, with the file it became; the repository holds that instead.</summary>
    internal event Action<PartFile, SharedFile>? Completed;

    /// <inheritdoc />
    public override PieceSet Snapshot()
    {
        lock (_gate)
            return _verified.Clone();
    }

    /// <inheritdoc />
    public override bool Has(int piece)
    {
        if (piece < 0 || piece >= Manifest.PieceCount)
            return false;
        lock (_gate)
            return _verified.Contains(piece);
    }

    /// <inheritdoc />
    public override int ReadPiece(int piece, Span<byte> destination)
    {
        int size = CheckRead(piece, destination);
        if (_completed is { } done)
            return done.ReadPiece(piece, destination);
        try
        {
            return ReadFrom(AcquireHandle(), _paths.Part, piece, size, destination);
        }
        catch (ObjectDisposedException) when (_completed is { } moved)
        {
            return moved.ReadPiece(piece, destination); // Complete() closed the .part meanwhile; the bytes are in the final file
        }
    }

    /// <inheritdoc />
    public override bool TryLocatePiece(int piece, out string path, out long offset, out int size) =>
        Locate(_completed?.Path ?? _paths.Part, piece, out path, out offset, out size);

    /// <summary>
    /// Verifies <paramref name="data"/> as piece <paramref name="piece"/>, writes it at its offset and
    /// records it crash-safely. Concurrent writers of different pieces are fine. Throws
    /// <see cref="StorageException"/> when the disk refuses (the piece is then not recorded).
    /// </summary>
    public PieceWriteResult WritePiece(int piece, ReadOnlySpan<byte> data)
    {
        if (!Manifest.Verify(piece, data))
            return PieceWriteResult.HashMismatch;
        _state.ThrowIfFailed();
        if (Has(piece))
            return PieceWriteResult.AlreadyHad;
        try
        {
            _beforeWrite?.Invoke(_paths.Part);
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
            throw new StorageException($"cannot write piece {piece} of '{Name}' to {_paths.Part}: {StorageException.Cause(e)}", e);
        }

        long version;
        lock (_gate)
        {
            if (!_verified.Add(piece))
                return PieceWriteResult.AlreadyHad; // another writer of the same piece got there first
            version = ++_version;
        }
        if (_state.Delayed)
            _state.Schedule(version);
        else
            Record(version, piece);
        PieceVerified?.Invoke(this, piece);
        return PieceWriteResult.Written;
    }

    /// <summary>
    /// Moves the finished download to <c>Root/Name</c> and removes its state, and returns the complete
    /// file (the same one if called again). Never overwrites a different file: if that name is taken
    /// by other content the file is saved as "Name (2)", "base (2).ext" and so on; if it is taken by
    /// the same content the download is simply dropped. Throws <see cref="StorageException"/> if
    /// pieces are missing.
    /// </summary>
    public SharedFile Complete()
    {
        SharedFile done;
        lock (_state.Gate)
        {
            if (_completed is { } already)
                return already;
            int missing;
            lock (_gate)
            {
                if (_disposed)
                    throw new StorageException($"'{Name}' is closed");
                missing = _verified.Count - _verified.Present;
            }
            if (missing > 0)
                throw new StorageException($"'{Name}' cannot be completed: {missing} of {Manifest.PieceCount} pieces are missing");
            (string Name, string Path) final;
            try
            {
                // The handle stays open through the move: a piece served meanwhile is read through it, never
                // by reopening a .part that may no longer be there (a fetcher saw its connection fail so).
                RandomAccess.FlushToDisk(AcquireHandle());
                final = FinalPlacement.Place(_root, _name, _paths.Part, Manifest, _logger);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException($"cannot move the finished '{Name}' into {_root}: {e.Message}", e);
            }
            done = new SharedFile(final.Name, final.Path, Manifest, FileStamp.TryOf(final.Path)); // as written by us: a later change is noticed before its bytes are served
            _completed = done; // before the handle closes: a reader that finds it closed reads the final file
            SafeFileHandle? part;
            lock (_gate)
            {
                part = _handle;
                _handle = null;
            }
            part?.Dispose();
            _state.Close();
            foreach (string path in _paths.All)
            {
                if (!AtomicFile.TryDelete(path))
                    StorageLog.CleanupFailed(_logger, path, "the file could not be deleted");
            }
            _lock.Release(delete: true);
        }
        StorageLog.Completed(_logger, done.Name, Id.ShortText, done.Path);
        Completed?.Invoke(this, done);
        return done;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        if (_state.Delayed)
            _state.WritePending();
        CloseHandle(_gate, ref _handle, ref _disposed);
        if (_completed is null)
        {
            lock (_state.Gate)
                _state.Close();
            _lock.Release(delete: false);
        }
    }

    /// <summary>
    /// Closes the download if it holds no verified piece and deletes its files (the sparse .part, its
    /// state and manifest, its lock): a failed start keeps nothing on disk. False (nothing done) if it
    /// is complete or holds a verified piece.
    /// </summary>
    internal bool DiscardIfEmpty() => Discard(onlyIfEmpty: true);

    /// <summary>
    /// Closes the unfinished download and deletes its files, verified pieces and all (with
    /// <paramref name="onlyIfEmpty"/>, only when it holds none). False (nothing done) if it is complete.
    /// </summary>
    internal bool Discard(bool onlyIfEmpty)
    {
        lock (_state.Gate)
        {
            SafeFileHandle? handle;
            lock (_gate)
            {
                if (_completed is not null || (onlyIfEmpty && _verified.Present > 0))
                    return false;
                _disposed = true;
                handle = _handle;
                _handle = null;
            }
            handle?.Dispose();
            _state.Close();
            DownloadStore.DeleteFiles(_paths, _lock, _logger);
            return true;
        }
    }

    private (PieceSet Pieces, long Version) StateSnapshot()
    {
        lock (_gate)
            return (_verified.Clone(), _version);
    }

    // Makes the state on disk claim the piece, or forgets the piece and throws.
    private void Record(long version, int piece)
    {
        try
        {
            _state.WriteNow(version);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            lock (_gate)
                _verified.Remove(piece);
            throw new StorageException($"cannot record piece {piece} of '{Name}' in {_paths.State}: {StorageException.Cause(e)}", e);
        }
    }

    private SafeFileHandle AcquireHandle()
    {
        lock (_gate)
        {
            if (_disposed)
                throw new StorageException($"'{Name}' is closed");
            ObjectDisposedException.ThrowIf(_completed is not null, this); // its bytes are in the final file now
            // Opened by the first piece written or read after a restart, and by Complete() if none was.
            return _handle ??= File.OpenHandle(_paths.Part, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        }
    }
}
