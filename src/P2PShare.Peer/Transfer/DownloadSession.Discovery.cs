using P2PShare.Peer.Network;
using P2PShare.Peer.Storage;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Transfer;

// Holders found while the download runs: peers that started downloading the same file get their own
// workers, and known holders' piece maps are refreshed from the tracker.
public sealed partial class DownloadSession
{
    /// <summary>Runs a worker per link, and one per holder found later, until all have ended.</summary>
    private async Task RunWorkersAsync(List<PeerLink> links, LocalFile file, CancellationToken cancellationToken)
    {
        var workers = links.Select(link => RunWorkerAsync(link, file, cancellationToken)).ToList();
        using var discoveryStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var discovery = _findHolders is null ? Task.CompletedTask : DiscoverAsync(file, workers, discoveryStop.Token);
        try
        {
            while (true)
            {
                Task[] running;
                lock (workers)
                    running = [.. workers];
                await Task.WhenAll(running);
                lock (workers)
                {
                    if (workers.Count == running.Length)
                    {
                        workers.Clear(); // tells discovery to add no more
                        break;
                    }
                }
            }
        }
        finally
        {
            await discoveryStop.CancelAsync();
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

    /// <summary>Asks for holders every interval: connects to new ones (their workers join <paramref name="workers"/>) and refreshes known ones' piece maps.</summary>
    private async Task DiscoverAsync(LocalFile file, List<Task> workers, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(_options.HolderRefreshInterval, cancellationToken);
            IReadOnlyList<HolderEntry> found;
            try
            {
                found = await _findHolders!(cancellationToken);
            }
            catch (Exception e) when (e is IOException or TimeoutException or ProtocolException or RemoteErrorException or ObjectDisposedException or System.Net.Sockets.SocketException)
            {
                continue; // the tracker will be back, or the known holders suffice
            }
            var fresh = new List<HolderEntry>();
            lock (_gate)
            {
                if (_picker!.IsComplete)
                    return;
                foreach (var holder in found)
                {
                    int known = _holders.FindIndex(h => h.Endpoint == holder.Endpoint);
                    if (known < 0)
                    {
                        fresh.Add(holder);
                        _holders.Add(holder);
                        continue;
                    }
                    _holders[known] = holder;
                    foreach (int piece in holder.Have?.Indices() ?? Enumerable.Range(0, file.Manifest.PieceCount))
                        _picker.PeerGained(holder.Endpoint, piece);
                }
            }
            if (fresh.Count > 0)
                Signal();
            foreach (var holder in fresh)
                await AddHolderAsync(holder, file, workers, cancellationToken);
        }
    }

    private async Task AddHolderAsync(HolderEntry holder, LocalFile file, List<Task> workers, CancellationToken cancellationToken)
    {
        PeerLink link;
        try
        {
            link = await PeerLink.ConnectAsync(holder.Host, holder.Port, _ourPort, _options, cancellationToken);
        }
        catch (Exception e) when (e is IOException or TimeoutException or ProtocolException or RemoteErrorException or System.Net.Sockets.SocketException)
        {
            PeerLog.PeerDropped(_logger, holder.Endpoint, Name, $"could not connect: {e.Message}");
            lock (_gate)
                _holders.RemoveAll(h => h.Endpoint == holder.Endpoint); // found again next time, tried again
            return;
        }
        lock (workers)
        {
            if (workers.Count > 0)
            {
                lock (_gate)
                    _picker!.AddPeer(link.Endpoint, holder.Have);
                PeerLog.HolderAdded(_logger, link.Endpoint, Name);
                workers.Add(RunWorkerAsync(link, file, cancellationToken));
                return;
            }
        }
        await link.DisposeAsync(); // the download ended meanwhile
    }
}
