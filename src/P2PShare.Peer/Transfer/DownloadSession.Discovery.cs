using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Transfer;

// Holders found while the download runs: peers that started downloading the same file, and holders
// back after a restart, are handed to the pool to dial; known holders' piece maps are refreshed.
public sealed partial class DownloadSession
{
    /// <summary>Asks the tracker for the file's holders every interval until <paramref name="cancellationToken"/> stops it.</summary>
    private async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(_options.HolderRefreshInterval, cancellationToken);
            IReadOnlyList<HolderEntry> found;
            try
            {
                found = await _findHolders!(cancellationToken);
            }
            catch (Exception e) when (IsConnectionFault(e))
            {
                continue; // the tracker will be back, or the known holders suffice
            }
            IReadOnlyList<HolderEntry> fresh;
            lock (_gate)
            {
                fresh = _pool.Listed(found, Now);
                if (_picker is { } picker)
                    foreach (var holder in found)
                        picker.PeerHolds(holder.Endpoint, holder.Have);
            }
            foreach (var holder in fresh)
                PeerLog.HolderAdded(_logger, holder.Endpoint, Name);
            Signal(); // the dialler looks at once: a holder listed again is due now
        }
    }
}
