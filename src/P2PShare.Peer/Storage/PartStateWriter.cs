using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Writes a download's <c>.state</c> (<see cref="PartState"/>) crash-safely: the data is flushed
/// first, so the state never claims a piece whose bytes are not on disk. With an interval above zero
/// it writes at most that often, off the writer's thread: an fsync per piece would cap a download at
/// the disk's sync rate. <see cref="Gate"/> also keeps completion and discarding apart from a write.
/// </summary>
internal sealed class PartStateWriter(string name, Manifest manifest, DownloadPaths paths, TimeSpan interval, ILogger logger,
    Func<(PieceSet Pieces, long Version)> snapshot, Action flushData, Action<string>? beforeWrite)
{
    private long _writtenVersion;              // guarded by Gate
    private bool _closed;                      // guarded by Gate: the download completed, was discarded or closed
    private int _scheduled;                    // 1 while a delayed write is pending
    private volatile Exception? _failure;      // why the last delayed write failed; the next piece reports it
    private volatile int _recordedCount;

    /// <summary>Held while the state is written, and while the download completes or is discarded.</summary>
    public Lock Gate { get; } = new();

    /// <summary>True when writes are delayed (see the class remarks).</summary>
    public bool Delayed => interval > TimeSpan.Zero;

    /// <summary>Pieces the state on disk claims.</summary>
    public int RecordedCount => _recordedCount;

    /// <summary>Starts counting from the pieces the state on disk claims now.</summary>
    public void Opened(int recorded) => _recordedCount = recorded;

    /// <summary>
    /// Throws if a delayed write failed (a full disk): the download fails now rather than running on
    /// with pieces no state on disk will ever claim.
    /// </summary>
    public void ThrowIfFailed()
    {
        if (_failure is { } failure)
            throw new StorageException($"cannot record the pieces of '{name}' in {paths.State}: {StorageException.Cause(failure)}", failure);
    }

    /// <summary>Writes a state covering <paramref name="version"/> now; throws what the disk threw.</summary>
    public void WriteNow(long version)
    {
        lock (Gate)
        {
            if (_writtenVersion < version) // otherwise a concurrent writer already recorded a state that includes it
                Write();
        }
    }

    /// <summary>Writes the state within the interval, once for however many pieces arrive meanwhile.</summary>
    public void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) != 0)
            return;
        _ = Task.Delay(interval).ContinueWith(_ =>
        {
            Volatile.Write(ref _scheduled, 0);
            if (!WritePending())
                Schedule(); // try again later; the pieces stay verified in memory meanwhile
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Writes the state if pieces were added since it was last written; false (logged) if the disk refused.</summary>
    public bool WritePending()
    {
        lock (Gate)
        {
            if (_closed || _writtenVersion >= snapshot().Version)
                return true;
            try
            {
                Write();
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException or StorageException)
            {
                StorageLog.StateWriteFailed(logger, paths.State, e.Message);
                _failure = e;
                return false;
            }
        }
    }

    /// <summary>No more writes: the download completed, was discarded, or closed. Call under <see cref="Gate"/>.</summary>
    public void Close() => _closed = true;

    private void Write()
    {
        var (pieces, version) = snapshot();
        flushData(); // the data must be on disk before the state claims it
        beforeWrite?.Invoke(paths.State);
        AtomicFile.Write(paths.State, new PartState(name, manifest, pieces).ToBytes());
        _writtenVersion = version;
        _recordedCount = pieces.Present;
        _failure = null;
    }
}
