using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Network;

/// <summary>
/// Tells the tracker about verified pieces in batches: the first gain of a quiet spell starts a
/// wait of <c>interval</c>, then one <c>have_set</c> per file carries every piece gained meanwhile.
/// A fast download gains thousands of pieces a second; one notice each cost the tracker about as
/// much CPU as a seeder, for news that others only ask for once a second anyway.
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
        lock (_gate)
        {
            _gained.Add(file);
            if (_flushPending)
                return;
            _flushPending = true;
        }
        _ = FlushLaterAsync();
    }

    private async Task FlushLaterAsync()
    {
        try
        {
            if (_interval > TimeSpan.Zero)
                await Task.Delay(_interval, _clock, _disposed.Token);
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
