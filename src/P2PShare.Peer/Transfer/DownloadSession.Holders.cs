using System.Globalization;
using P2PShare.Peer.Network;
using P2PShare.Peer.Storage;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Transfer;

// The swarm: dials the pool's holders (at most MaxHolderConnections at once), runs a worker on each
// connection, dials a lost holder again after its backoff, and decides when the download has to end.
public sealed partial class DownloadSession
{
    // How often the swarm looks at its end conditions when nothing wakes it sooner.
    private static readonly TimeSpan SuperviseInterval = TimeSpan.FromMilliseconds(200);
    private const int ListedAtMost = 10; // holders and piece ranges named in a failure

    private enum SwarmEnd
    {
        Complete,
        Unreachable,
        Stalled,
    }

    /// <summary>Dials holders as they fall due and watches the end conditions until <paramref name="stop"/>; then waits for every connection to close. Never faults.</summary>
    private async Task RunSwarmAsync(CancellationToken stop)
    {
        var connections = new List<Task>();
        var discovery = _findHolders is null ? Task.CompletedTask : DiscoverAsync(stop);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var changed = Volatile.Read(ref _changed).Task; // taken before looking, so no signal is missed
                var due = new List<HolderEntry>();
                TimeSpan wait = SuperviseInterval;
                lock (_gate)
                {
                    var now = Now;
                    while (_pool.TakeNext(now) is { } holder)
                        due.Add(holder);
                    CheckEnd(now);
                    if (_pool.NextDue is { } next && next > now && next - now < wait)
                        wait = next - now;
                }
                connections.RemoveAll(c => c.IsCompleted);
                connections.AddRange(due.Select(holder => RunHolderAsync(holder, stop)));
                try
                {
                    await changed.WaitAsync(wait, stop);
                }
                catch (TimeoutException)
                {
                    // Time to look again.
                }
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

    // Called under _gate. The download ends when the file is complete; when no holder has been
    // connected for HolderWait (every one refusing, dropped, restarting, or connecting only to fail before
    // giving a piece, all that time: the pool does not restart that clock for those); or when
    // holders were connected but had no missing piece to give, and nothing was in flight, for StallTimeout.
    private void CheckEnd(TimeSpan now)
    {
        if (_ended.Task.IsCompleted)
            return;
        if (_picker is { IsComplete: true })
        {
            _ended.TrySetResult(SwarmEnd.Complete);
        }
        else if (_pool.NoneConnectedSince is { } since)
        {
            if (now - since >= _options.HolderWait)
                _ended.TrySetResult(SwarmEnd.Unreachable);
            _sinceUseful.Restart(); // the stall clock counts time connected with nothing to fetch, not time with nobody
        }
        else if (_picker is null || _inFlight > 0 || _picker.HasWorkForAny())
        {
            _sinceUseful.Restart();
        }
        else if (_sinceUseful.Elapsed >= _options.StallTimeout)
            _ended.TrySetResult(SwarmEnd.Stalled);
    }

    /// <summary>One connection to <paramref name="holder"/>, from dialling to closing; tells the pool how it ended. Never faults.</summary>
    private async Task RunHolderAsync(HolderEntry holder, CancellationToken stop)
    {
        await Task.Yield(); // the dialler goes on dialling the others
        string peer = holder.Endpoint;
        PeerLink link;
        try
        {
            link = await PeerLink.ConnectAsync(holder.Host, holder.Port, _ourPort, _options, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            Ended(peer, HolderEnd.Finished, connected: false);
            return;
        }
        catch (Exception e) when (IsConnectionFault(e))
        {
            Ended(peer, HolderEnd.Lost($"could not connect: {e.Message}"), connected: false);
            return;
        }
        lock (_gate)
        {
            _pool.Connected(peer);
            _dropped.Remove(peer);
        }
        PeerLog.HolderConnected(_logger, peer, Name);
        Signal();
        HolderEnd end;
        try
        {
            end = await UseAsync(link, stop);
        }
        finally
        {
            await link.DisposeAsync();
        }
        Ended(peer, end, connected: true);
    }

    // Fetches the manifest through the link if nobody has yet, then pieces once the file is open.
    private async Task<HolderEnd> UseAsync(PeerLink link, CancellationToken stop)
    {
        try
        {
            if (!_manifest.Task.IsCompleted)
            {
                try
                {
                    _manifest.TrySetResult(await link.GetManifestAsync(Id, stop));
                }
                catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
                {
                    return HolderEnd.NotHolding($"it does not have the file ({e.Message})");
                }
                catch (ProtocolException e)
                {
                    // A holder whose manifest does not hash to the id is lying or broken: never use it.
                    return HolderEnd.Banned($"no valid manifest: {e.Message}");
                }
                catch (Exception e) when (IsConnectionFault(e))
                {
                    return HolderEnd.Lost($"no manifest: {e.Message}");
                }
            }
            var file = await _ready.Task.WaitAsync(stop);
            lock (_gate)
            {
                if (_picker!.IsComplete)
                    return HolderEnd.Finished;
                _picker.AddPeer(link.Endpoint, _pool.Entry(link.Endpoint)?.Have);
            }
            return await RunWorkerAsync(link, file, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return HolderEnd.Finished;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not the holder's fault (a full disk, a bug): it ends the download, and RunAsync reports it.
            _ended.TrySetException(e);
            return HolderEnd.Finished;
        }
    }

    // The connection to `peer` ended: the pool schedules its next dial (or never, for a liar) and the user hears of a loss.
    private void Ended(string peer, HolderEnd end, bool connected)
    {
        TimeSpan wait = TimeSpan.Zero;
        lock (_gate)
        {
            var now = Now;
            if (end.Reason is null)
                _pool.Finished(peer, now);
            else if (end.Absent)
                _pool.NotHolding(peer, end.Reason, now);
            else if (end.Retry)
                wait = _pool.Lost(peer, end.Reason, now);
            else
                _pool.Ban(peer, end.Reason, now);
            if (end.Reason is not null)
                _dropped[peer] = end.Reason;
        }
        Signal();
        if (end.Reason is null)
            return;
        if (!end.Retry)
        {
            PeerLog.PeerDropped(_logger, peer, Name, end.Reason);
            PeerDropped?.Invoke(peer, end.Reason);
        }
        else if (connected)
        {
            PeerLog.HolderLost(_logger, peer, Name, end.Reason, wait.TotalMilliseconds);
            PeerLost?.Invoke(peer, end.Reason);
        }
        else
        {
            PeerLog.HolderUnreachable(_logger, peer, Name, end.Reason, wait.TotalMilliseconds);
        }
    }

    // Why no manifest ever came: nobody reachable within HolderWait, or every reachable holder lied.
    private string DescribeNoManifest()
    {
        lock (_gate)
        {
            var failures = _pool.Failures();
            if (failures.Count > 0 && failures.All(f => f.Reason.StartsWith("no valid manifest", StringComparison.Ordinal)))
                return $"no holder sent a manifest matching the file id: {Tried(failures)}";
            return string.Create(CultureInfo.InvariantCulture,
                $"none of the {_pool.Count} holder(s) could be reached within {_options.HolderWait.TotalSeconds:0.#} s: {Tried(failures)}");
        }
    }

    // Which pieces are missing, why the download gave up, and whom it tried.
    private string DescribeMissing(PartFile file)
    {
        var verified = file.Snapshot();
        int total = file.Manifest.PieceCount;
        string missing = string.Create(CultureInfo.InvariantCulture, $"{total - verified.Present} of {total} pieces are missing ({PieceRanges.Missing(verified, ListedAtMost)})");
        lock (_gate)
        {
            var failures = _pool.Failures();
            string why = _ended.Task.Result == SwarmEnd.Stalled
                ? string.Create(CultureInfo.InvariantCulture, $"none of the {_pool.ConnectedCount} reachable holder(s) has them (nothing to fetch for {_options.StallTimeout.TotalSeconds:0.#} s)")
                : string.Create(CultureInfo.InvariantCulture, $"no holder has been reachable, or given a piece, for {_options.HolderWait.TotalSeconds:0.#} s");
            string tried = failures.Count == 0 ? "" : $"; tried {Tried(failures)}";
            return $"{missing}: {why}{tried}. The verified pieces are kept; `request` again to continue";
        }
    }

    private static string Tried(IReadOnlyList<(string Endpoint, string Reason)> failures)
    {
        if (failures.Count == 0)
            return "none answered";
        string listed = string.Join(", ", failures.Take(ListedAtMost).Select(f => $"{f.Endpoint} ({f.Reason})"));
        return failures.Count > ListedAtMost ? string.Create(CultureInfo.InvariantCulture, $"{listed} and {failures.Count - ListedAtMost} more") : listed;
    }
}
