using System.Diagnostics;
using Microsoft.Extensions.Logging;
using P2PShare.Peer.Outcomes;

namespace P2PShare.Peer.Network;

/// <summary>
/// Lets a folder's look-ups ride out a short loss of the tracker (restarted, a cable pulled), as a
/// single download does by keeping its holders. A request that fails because the connection is lost
/// waits for the link to reconnect; an answer of "nobody holds it" soon after a reconnect is asked again
/// while the holders come back and report themselves afresh (each on its own backoff). Both for at most
/// <c>bound</c> since the loss, or since the return: the <see cref="PeerOptions.HolderWait"/> a download
/// goes on without a reachable holder before it gives up.
/// </summary>
internal sealed class TrackerPatience
{
    private readonly Func<TrackerClient?> _client;
    private readonly TimeSpan _bound;
    private readonly TimeSpan _askAgain;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long? _lostAt; // Stopwatch timestamps
    private long? _backAt;

    /// <param name="client">The link's connection now (a new one after a reconnect).</param>
    /// <param name="bound">The longest a request waits, counted from the loss (or the return).</param>
    /// <param name="askAgain">How often an empty answer is asked again after a return.</param>
    /// <param name="logger">Where the waits are logged.</param>
    public TrackerPatience(Func<TrackerClient?> client, TimeSpan bound, TimeSpan askAgain, ILogger logger)
    {
        _client = client;
        _bound = bound;
        _askAgain = askAgain > TimeSpan.Zero ? askAgain : TimeSpan.FromMilliseconds(100);
        _logger = logger;
    }

    /// <summary>Follows the link's news: the tracker lost, the tracker back.</summary>
    public void Observe(PeerNotice notice)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            if (notice is TrackerLost)
                _lostAt = Stopwatch.GetTimestamp();
            else if (notice is TrackerBack)
                (_lostAt, _backAt) = (null, Stopwatch.GetTimestamp());
            else
                return;
            (changed, _changed) = (_changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        changed.TrySetResult();
    }

    /// <summary>
    /// <paramref name="call"/> (a guarded call, whose faults are <see cref="PeerCommandException"/>), asked again after a reconnect when the connection was lost
    /// or, soon after a reconnect, while <paramref name="found"/> says the answer is empty. Throws the
    /// last failure, or returns the last answer, once the bound has passed.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<Task<T>> call, Func<T, bool> found, string request, CancellationToken cancellationToken)
    {
        while (true)
        {
            var before = _client();
            T answer;
            try
            {
                answer = await call();
            }
            catch (PeerCommandException e) when (e.Failure is TrackerDown || e.Failure is TrackerSilent && before is { IsConnected: false })
            {
                if (!await WaitForReturnAsync(request, cancellationToken))
                    throw;
                continue;
            }
            if (found(answer) || !await WaitAfterReturnAsync(request, cancellationToken))
                return answer;
        }
    }

    // False when the bound passed before the link had a connection again.
    private async Task<bool> WaitForReturnAsync(string request, CancellationToken cancellationToken)
    {
        long since;
        lock (_gate)
            since = _lostAt ?? Stopwatch.GetTimestamp(); // the loss may not be told yet
        bool logged = false;
        while (true)
        {
            Task changed;
            lock (_gate)
                changed = _changed.Task;
            if (_client() is { IsConnected: true })
                return true;
            var left = _bound - Stopwatch.GetElapsedTime(since);
            if (left <= TimeSpan.Zero)
                return false;
            if (!logged)
                PeerLog.TrackerAwaited(_logger, request, left.TotalSeconds);
            logged = true;
            try
            {
                await changed.WaitAsync(left, cancellationToken);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    // True (after a pause) while the tracker came back within the bound: its holders may not have reported yet.
    private async Task<bool> WaitAfterReturnAsync(string request, CancellationToken cancellationToken)
    {
        long? back;
        lock (_gate)
            back = _backAt;
        if (back is not { } at)
            return false;
        var left = _bound - Stopwatch.GetElapsedTime(at);
        if (left <= TimeSpan.Zero)
            return false;
        PeerLog.HoldersAwaited(_logger, request, left.TotalSeconds);
        await Task.Delay(left < _askAgain ? left : _askAgain, cancellationToken);
        return true;
    }
}
