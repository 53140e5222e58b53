using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Network;

/// <summary>
/// Tells the tracker about verified pieces at most once per <c>interval</c>: a gain after a quiet
/// spell is told at once, and the gains within the interval after a notice wait for its end, then one
/// <c>have_set</c> per file carries them all. A fast download gains thousands of pieces a second; one
/// notice each cost the tracker about as much CPU as a seeder. Telling the first gain at once makes a
/// download that has just started a holder the others can find: when it waited for the interval,
/// downloaders started together passed on nothing to each other in their first second
/// (docs/BENCHMARKS.md, <c>lan</c>).
/// </summary>
public sealed class HaveNotices : IDisposable
{
    private readonly TimeSpan _interval;
    private readonly Func<FileId, PieceSet?> _currentPieces;
    private readonly Func<FileId, PieceSet, Task> _send;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly HashSet<FileId> _gained = [];
    private readonly CancellationTokenSource _disposed = new();
    private bool _flushPending;
    private long? _lastFlush; // when the last batch was taken (the clock's timestamp); null before the first

    /// <param name="interval">The longest a gain waits before it is told (zero: at once).</param>
    /// <param name="currentPieces">The verified pieces of a file now (null once it is gone).</param>
    /// <param name="send">Sends one batch; best effort, it must not throw.</param>
    /// <param name="clock">Times the interval; the system clock unless a test brings its own.</param>
    public HaveNotices(TimeSpan interval, Func<FileId, PieceSet?> currentPieces, Func<FileId, PieceSet, Task> send, TimeProvider? clock = null)
    {
        _interval = interval;
        _currentPieces = currentPieces;
        _send = send;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Notes that a piece of <paramref name="file"/> was verified.</summary>
    public void Gained(FileId file)
    {
        TimeSpan wait;
        lock (_gate)
        {
            _gained.Add(file);
            if (_flushPending)
                return;
            _flushPending = true;
            wait = _lastFlush is { } last ? _interval - _clock.GetElapsedTime(last) : TimeSpan.Zero;
        }
        _ = FlushLaterAsync(wait);
    }

    private async Task FlushLaterAsync(TimeSpan wait)
    {
        try
        {
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, _clock, _disposed.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return; // the peer is leaving; the next announce carries these pieces
        }
        FileId[] files;
        lock (_gate)
        {
            files = [.. _gained];
            _gained.Clear();
            _flushPending = false;
            _lastFlush = _clock.GetTimestamp();
        }
        foreach (var file in files)
        {
            // The whole current set rather than the gains alone: the tracker adds it, so a lost batch is repaired by the next.
            if (_currentPieces(file) is { Present: > 0 } pieces)
                await _send(file, pieces);
        }
    }

    /// <summary>Stops; batches not yet sent are dropped (the next announce carries them).</summary>
    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
