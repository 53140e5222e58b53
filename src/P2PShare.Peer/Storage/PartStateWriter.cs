using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Writes a download's <c>.state</c> (<see cref="PartState"/>) crash-safely: the data is flushed
/// first, so the state never claims a piece whose bytes are not on disk. With an interval above zero
/// it writes off the writer's thread, at most once per interval (an fsync per piece would cap a
/// download at the disk's sync rate), and only when enough is at stake: as soon as the interval
/// allows once <see cref="PiecesWorthAWrite"/> pieces (or <see cref="BytesWorthAWrite"/>) are
/// unrecorded, else <see cref="LongestWaitInIntervals"/> intervals after the oldest unrecorded piece.
/// A slow download so writes every few seconds rather than twice a second for its whole life, and a
/// crash loses at most a few seconds or a few MiB, which the reopen finds again by hashing anyway.
/// <see cref="Gate"/> also keeps completion and discarding apart from a write.
/// </summary>
internal sealed class PartStateWriter(string name, Manifest manifest, DownloadPaths paths, TimeSpan interval, ILogger logger,
    Func<(PieceSet Pieces, long Version)> snapshot, Action flushData, Action<string>? beforeWrite, TimeProvider? clock = null)
{
    /// <summary>Unrecorded pieces worth a write as soon as the interval allows.</summary>
    public const int PiecesWorthAWrite = 32;

    /// <summary>Unrecorded bytes worth a write as soon as the interval allows (fewer pieces when they are large).</summary>
    public const long BytesWorthAWrite = 8L << 20;

    /// <summary>How many intervals fewer pieces wait at most (5 s with the default interval of 0.5 s).</summary>
    public const int LongestWaitInIntervals = 10;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly long _origin = (clock ?? TimeProvider.System).GetTimestamp();
    private readonly int _worthAWrite = (int)Math.Clamp(BytesWorthAWrite / manifest.PieceLength, 1, PiecesWorthAWrite);
    private readonly Lock _pace = new();       // taken after Gate, never before it (but where a test clock fires the timer inside Change)
    private long _writtenVersion;              // guarded by Gate
    private volatile bool _closed;             // set under Gate: the download completed, was discarded or closed
    private volatile Exception? _failure;      // why the last delayed write failed; the next piece reports it
    private volatile int _recordedCount;
    private ITimer? _timer;                    // guarded by _pace; made by the first piece that must wait
    private long _scheduledVersion;            // guarded by _pace: the newest piece's version Schedule heard of
    private long _pacedVersion;                // guarded by _pace: the newest version a delayed write recorded
    private TimeSpan? _oldestAt;               // guarded by _pace: when the oldest unrecorded piece arrived (at the latest)
    private TimeSpan _lastWriteAt;             // guarded by _pace: when the last delayed write began (or the writer was made)
    private TimeSpan? _dueAt;                  // guarded by _pace: when the timer fires; null when it is not armed

    /// <summary>Held while the state is written, and while the download completes or is discarded.</summary>
    public Lock Gate { get; } = new();

    /// <summary>True when writes are delayed (see the class remarks).</summary>
    public bool Delayed => interval > TimeSpan.Zero;

    /// <summary>Pieces the state on disk claims.</summary>
    public int RecordedCount => _recordedCount;

    private TimeSpan Now => _clock.GetElapsedTime(_origin);

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

    /// <summary>
    /// Notes that the piece making <paramref name="version"/> arrived, and arms the one timer for when
    /// a delayed write becomes due (see the class remarks); one write covers every piece meanwhile.
    /// </summary>
    public void Schedule(long version)
    {
        lock (_pace)
        {
            if (_closed)
                return;
            _scheduledVersion = Math.Max(_scheduledVersion, version);
            var now = Now;
            _oldestAt ??= now;
            ArmLocked(now);
        }
    }

    /// <summary>Writes the state if pieces were added since it was last written; false (logged) if the disk refused.</summary>
    public bool WritePending() => WritePending(out _);

    /// <summary>No more writes: the download completed, was discarded, or closed. Call under <see cref="Gate"/>.</summary>
    public void Close()
    {
        _closed = true;
        lock (_pace)
        {
            _timer?.Dispose();
            _timer = null;
            _dueAt = null;
        }
    }

    private bool WritePending(out long written)
    {
        lock (Gate)
        {
            written = _writtenVersion;
            if (_closed || _writtenVersion >= snapshot().Version)
                return true;
            try
            {
                Write();
                written = _writtenVersion;
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

    // The timer's callback: writes, then arms the timer again for what arrived meanwhile (or, after a failure, to retry).
    private void WriteDue()
    {
        var started = Now;
        bool written = WritePending(out long version);
        lock (_pace)
        {
            _dueAt = null;
            if (_closed)
                return;
            _lastWriteAt = started;
            if (written)
            {
                _pacedVersion = Math.Max(_pacedVersion, version);
                // Pieces beyond it were added after the write's snapshot, so after it began: a safe "oldest" for them.
                _oldestAt = _scheduledVersion > _pacedVersion ? started : null;
            }
            ArmLocked(Now);
        }
    }

    private void ArmLocked(TimeSpan now)
    {
        if (_scheduledVersion <= _pacedVersion || _oldestAt is not { } oldest)
            return;
        var earliest = _lastWriteAt + interval;
        var due = _scheduledVersion - _pacedVersion >= _worthAWrite
            ? earliest
            : Max(earliest, oldest + interval * LongestWaitInIntervals);
        if (_dueAt is { } armed && armed <= due)
            return; // it fires soon enough (or is firing now, and arms again after its write)
        _dueAt = due;
        _timer ??= _clock.CreateTimer(static writer => ((PartStateWriter)writer!).WriteDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(Max(due - now, TimeSpan.Zero), Timeout.InfiniteTimeSpan);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

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
