using Microsoft.Extensions.Logging;
using P2PShare.Peer.Network;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// The holders of one download: dials them as the <see cref="HolderPool"/> says (at most
/// <see cref="PeerOptions.MaxHolderConnections"/> at once, a lost one again after its backoff), asks
/// the tracker for new holders while it runs, owns every connection from dial to close, and decides
/// when the download has to end for want of holders.
/// </summary>
internal sealed class HolderSwarm
{
    // The longest the swarm sleeps: it wakes for the next dial or deadline, or a change, and this
    // bounds what a deadline missed by mistake could cost.
    private static readonly TimeSpan LongestSleep = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly HolderPool _pool;                                            // guarded by _gate
    private readonly Dictionary<HolderAddress, HolderDrop> _dropped = [];         // not connected now, with why; guarded by _gate
    private readonly Func<CancellationToken, Task<IReadOnlyList<HolderEntry>>>? _findHolders;
    private readonly PeerOptions _options;
    private readonly int _ourPort;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly long _start;
    private readonly EndWatch _end;                                               // guarded by _gate
    private readonly TaskCompletionSource<SwarmEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PieceBoard? _board;

    public HolderSwarm(string name, IReadOnlyList<HolderEntry> holders, PeerOptions options, int ourPort, ILogger logger,
        Func<CancellationToken, Task<IReadOnlyList<HolderEntry>>>? findHolders, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _start = _clock.GetTimestamp();
        _end = new EndWatch(options.HolderWait, options.StallTimeout);
        _name = name;
        _options = options;
        _ourPort = ourPort;
        _logger = logger;
        _findHolders = findHolders;
        _pool = new HolderPool(options.MaxHolderConnections, options.HolderRetryInitialDelay, options.HolderRetryMaxDelay, new Random(), Now);
        _pool.Listed(holders, Now);
    }

    /// <summary>Raised when a holder is dropped for good (it lied, or no longer has the file).</summary>
    public event Action<HolderAddress, HolderDrop>? Dropped;

    /// <summary>Raised when the connection to a holder is lost: it is dialled again.</summary>
    public event Action<HolderAddress, HolderDrop>? Lost;

    /// <summary>Raised on every change a waiting worker or the dialler may care about.</summary>
    public ChangeSignal Changed { get; } = new();

    /// <summary>Completes when the download has to end: complete, or no holder to get the rest from; faults with an error that ends it (a full disk).</summary>
    public Task<SwarmEnd> Ended => _ended.Task;

    /// <summary>Holders known.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _pool.Count;
        }
    }

    /// <summary>Holders connected now.</summary>
    public int ConnectedCount
    {
        get
        {
            lock (_gate)
                return _pool.ConnectedCount;
        }
    }

    private TimeSpan Now => _clock.GetElapsedTime(_start);

    /// <summary>The file is open: its pieces' progress decides whether the download is complete or stalled.</summary>
    public void Opened(PieceBoard board)
    {
        Volatile.Write(ref _board, board);
        Changed.Raise();
    }

    /// <summary>An error that is no holder's fault (a full disk, a bug) ends the download.</summary>
    public void Fail(Exception error) => _ended.TrySetException(error);

    /// <summary>The holder's latest entry (its piece map as last listed); null if unknown.</summary>
    public HolderEntry? Entry(HolderAddress holder)
    {
        lock (_gate)
            return _pool.Entry(holder);
    }

    /// <summary>The holder sent a verified piece: its backoff starts afresh and the download is not stalled.</summary>
    public void Delivered(HolderAddress holder)
    {
        lock (_gate)
        {
            _pool.Delivered(holder);
            _end.Useful(Now);
        }
    }

    /// <summary>Holders not connected now that failed or were dropped, with why.</summary>
    public Dictionary<HolderAddress, HolderDrop> DroppedNow()
    {
        lock (_gate)
            return new Dictionary<HolderAddress, HolderDrop>(_dropped);
    }

    /// <summary>The holders tried that are not connected now, in the order first listed, with why.</summary>
    public IReadOnlyList<(HolderAddress Holder, HolderDrop Drop)> Failures()
    {
        lock (_gate)
            return _pool.Failures();
    }

    /// <summary>What ends one connection and not the download: the holder may be back, so it is dialled again.</summary>
    public static bool IsConnectionFault(Exception e) =>
        e is RemoteErrorException || ConnectionFaults.IsFault(e);

    /// <summary>
    /// Dials holders as they fall due and hands each connection to <paramref name="use"/>, until
    /// <paramref name="stop"/>; then waits for every connection to close. Never faults.
    /// </summary>
    public async Task RunAsync(Func<PeerLink, HolderAddress, CancellationToken, Task<HolderDrop?>> use, CancellationToken stop)
    {
        var connections = new List<Task>();
        var discovery = _findHolders is null ? Task.CompletedTask : DiscoverAsync(_findHolders, stop);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var changed = Changed.Next; // taken before looking, so no signal is missed
                var due = new List<HolderEntry>();
                var wait = Supervise(due);
                connections.RemoveAll(c => c.IsCompleted);
                connections.AddRange(due.Select(holder => RunHolderAsync(HolderAddress.Of(holder), use, stop)));
                await ChangeSignal.WaitAsync(changed, wait, _clock, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The download ended.
        }
        finally
        {
            await Task.WhenAll(connections);
            try
            {
                await discovery;
            }
            catch (OperationCanceledException)
            {
                // Stopped with the download.
            }
        }
    }

    /// <summary>
    /// One look: adds the holders due to be dialled to <paramref name="due"/>, ends the download if it
    /// must (<see cref="EndWatch"/>), and says how long to sleep: until the next dial or deadline, at
    /// most <see cref="LongestSleep"/>; a change wakes the swarm sooner.
    /// </summary>
    internal TimeSpan Supervise(List<HolderEntry> due)
    {
        lock (_gate)
        {
            var now = Now;
            while (_pool.TakeNext(now) is { } holder)
                due.Add(holder);
            var wait = LongestSleep;
            if (!_ended.Task.IsCompleted)
            {
                if (_end.Check(now, Volatile.Read(ref _board), _pool.NoneConnectedSince, out var untilEnd) is { } end)
                    _ended.TrySetResult(end);
                else if (untilEnd < wait)
                    wait = untilEnd;
            }
            // A holder due but not taken waits for a free slot, which a change announces.
            if (_pool.NextDue is { } next && next > now && next - now < wait)
                wait = next - now;
            return wait;
        }
    }

    /// <summary>One connection to <paramref name="holder"/>, from dialling to closing; tells the pool how it ended. Never faults.</summary>
    private async Task RunHolderAsync(HolderAddress holder, Func<PeerLink, HolderAddress, CancellationToken, Task<HolderDrop?>> use, CancellationToken stop)
    {
        await Task.Yield(); // the dialler goes on dialling the others
        PeerLink link;
        try
        {
            link = await PeerLink.ConnectAsync(holder.Host, holder.Port, _ourPort, _options, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Closed(holder, null, connected: false);
            return;
        }
        catch (Exception e) when (IsConnectionFault(e))
        {
            Closed(holder, e is OtherSideLeftException ? HolderDrop.SaidBye : new HolderDrop(HolderDropKind.CouldNotConnect, e.Message), connected: false);
            return;
        }
        lock (_gate)
        {
            _pool.Connected(holder);
            _dropped.Remove(holder);
        }
        PeerLog.HolderConnected(_logger, holder.ToString(), _name);
        Changed.Raise();
        HolderDrop? drop = null;
        try
        {
            await using (link)
                drop = await use(link, holder, stop);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            // Not the download's stop: a wait on the connection ended with it. The pool must hear of
            // every close, or it counts the holder connected forever and the holder wait never runs out.
            drop = new HolderDrop(HolderDropKind.ConnectionLost, "the connection closed");
        }
        finally
        {
            Closed(holder, drop, connected: true);
        }
    }

    // The connection to `holder` ended: the pool schedules its next dial (or never, for a liar) and the user hears of a loss.
    private void Closed(HolderAddress holder, HolderDrop? drop, bool connected)
    {
        TimeSpan wait = TimeSpan.Zero;
        bool left;
        lock (_gate)
        {
            var now = Now;
            if (drop is null)
                _pool.Finished(holder, now);
            else if (drop.Kind == HolderDropKind.Left)
                _pool.Left(holder, drop, now);
            else if (drop.Absent)
                _pool.NotHolding(holder, drop, now);
            else if (drop.Retry)
                wait = _pool.Lost(holder, drop, now);
            else
                _pool.Ban(holder, drop, now);
            left = _pool.HasLeft(holder);
            if (drop is not null && !left)
                _dropped[holder] = drop;
        }
        Changed.Raise();
        if (drop is null)
            return;
        if (left)
        {
            // A peer that stops serving says so: no fault and nothing to warn of. It is looked for again
            // now and then in case it restarts; finding it still gone is no news either.
            if (drop.Kind == HolderDropKind.Left)
                PeerLog.HolderLeft(_logger, holder.ToString(), _name, _options.HolderRetryMaxDelay.TotalMilliseconds);
            else
                PeerLog.HolderUnreachable(_logger, holder.ToString(), _name, drop.ToString(), wait.TotalMilliseconds);
            return;
        }
        string why = drop.ToString();
        if (!drop.Retry)
        {
            PeerLog.PeerDropped(_logger, holder.ToString(), _name, why);
            Dropped?.Invoke(holder, drop);
        }
        else if (connected)
        {
            PeerLog.HolderLost(_logger, holder.ToString(), _name, why, wait.TotalMilliseconds);
            Lost?.Invoke(holder, drop);
        }
        else
        {
            PeerLog.HolderUnreachable(_logger, holder.ToString(), _name, why, wait.TotalMilliseconds);
        }
    }

    // A holder the tracker no longer lists has left the network: that a dial to it failed meanwhile (a
    // fellow downloader that just completed, say) is no news for the summary. A liar stays named.
    private void ForgetDeparted(IReadOnlyList<HolderEntry> listed)
    {
        if (_dropped.Count == 0)
            return;
        var still = listed.Select(HolderAddress.Of).ToHashSet();
        foreach (var (holder, drop) in _dropped.ToList())
        {
            if (drop.Retry && !still.Contains(holder))
                _dropped.Remove(holder);
        }
    }

    // Holders found while the download runs (peers downloading the same file, holders back after a
    // restart) are handed to the pool to dial; known holders' piece maps are refreshed. Often at first.
    private async Task DiscoverAsync(Func<CancellationToken, Task<IReadOnlyList<HolderEntry>>> findHolders, CancellationToken cancellationToken)
    {
        var pace = new RefreshPace(_options.HolderRefreshInterval);
        while (true)
        {
            await Task.Delay(pace.Next(), cancellationToken);
            IReadOnlyList<HolderEntry> found;
            try
            {
                found = await findHolders(cancellationToken);
            }
            catch (Exception e) when (IsConnectionFault(e))
            {
                continue; // the tracker will be back, or the known holders suffice
            }
            IReadOnlyList<HolderEntry> fresh;
            lock (_gate)
            {
                fresh = _pool.Listed(found, Now);
                ForgetDeparted(found);
            }
            if (Volatile.Read(ref _board) is { } board)
                foreach (var holder in found)
                    board.Holds(HolderAddress.Of(holder), holder.Have);
            foreach (var holder in fresh)
                PeerLog.HolderAdded(_logger, holder.Endpoint, _name);
            Changed.Raise(); // the dialler looks at once: a holder listed again is due now
        }
    }
}
