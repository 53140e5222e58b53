using P2PShare.Peer.Network;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer;

// Single downloads: `request NAME` finds the file, asks who holds it and runs its session.
public sealed partial class PeerNode
{
    /// <summary>
    /// Finds <paramref name="nameOrId"/> in the network (a name, or at least 6 hex digits of an id),
    /// asks the tracker who holds it and starts downloading from all of them. A name is looked up
    /// by name alone, so a request never depends on the whole network's list.
    /// </summary>
    public async Task<ActiveDownload> RequestAsync(string nameOrId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        var files = await _tracker.CallAsync(t => t.ListAsync(nameOrId, cancellationToken), "list");
        if (files.Count == 0 && !IsFolder(nameOrId) && nameOrId.Length > 0)
            await ThrowIfFolderAsync(nameOrId, cancellationToken);
        if (files.Count == 0 && FileLookup.LooksLikeId(nameOrId))
            files = await ListAsync(cancellationToken);
        return await StartAsync(FileLookup.Resolve(nameOrId, files, OnlyOurs), cancellationToken);
    }

    // `get photos` when only photos/ exists: say it is a folder rather than only "no file named".
    private async Task ThrowIfFolderAsync(string name, CancellationToken cancellationToken)
    {
        string folder = name + FileNameRules.Separator;
        var inside = (await ListAsync(cancellationToken, folder)).Where(f => f.Name.StartsWith(folder, StringComparison.Ordinal))
            .GroupBy(f => f.Name, StringComparer.Ordinal).Select(g => g.First()).ToList();
        if (inside.Count > 0)
            throw new PeerCommandException(new NameIsFolder(name, inside.Count, inside.Sum(f => f.Length)));
    }

    // Starts the download of the file `shapes` describe (FileLookup's order). One of a folder's (`folder`
    // is that fetch's batch) is not reported on its own, and never asks a holder the batch caught lying.
    private async Task<ActiveDownload> StartAsync(IReadOnlyList<NetworkFile> shapes, CancellationToken cancellationToken, FolderBatch? folder = null)
    {
        bool inFolder = folder is not null;
        bool Trusted(HolderEntry holder) => folder is null || !folder.Distrusts(HolderAddress.Of(holder));
        var target = shapes[0];
        // The same content under another name, downloading now: this name waits for it and then gets a verified
        // copy (or, should that one stop or fail, fetches the file itself), as a folder's later names do.
        var earlier = _downloads.Of(target.Id);
        if (earlier.Any(d => d.Session.Name == target.Name))
            throw new PeerCommandException(new AlreadyDownloading(target.Name, target.Id));
        if (Repository.TryGet(target.Id, out var local) && local is { IsComplete: true } && !File.Exists(local.FinalPath))
        {
            // Deleted from the folder since the last scan: forget it (and stop claiming it) instead of refusing.
            if (_options.ShareFolderContents)
                await Repository.ScanAsync(cancellationToken);
            await _tracker.AnnounceQuietlyAsync();
        }
        // Fetched by an earlier run, or here already but hashed by our scan in other pieces than the network's.
        await Repository.AdoptAsync(target.Name, target.Id, target.Length, target.PieceLength, cancellationToken);
        // Already here and verified (hashed, or cached while its stamp is unchanged): that is success, not an
        // error, e.g. the same `get` run twice or a crash just after the final rename; the session says so.
        IReadOnlyList<HolderEntry> peers = [];
        var shape = HolderLookup.Shape(target);
        if (!(Repository.TryGet(target.Id, out local) && local is { IsComplete: true }))
        {
            // A folder's file waits out a short loss of the tracker; the folder's others go on meanwhile.
            var holders = await (inFolder
                ? _tracker.CallPatientlyAsync(t => _holders.FindAsync(t, [.. shapes], cancellationToken), "who_has", h => h is { Peers.Count: > 0 }, cancellationToken)
                : _tracker.CallAsync(t => _holders.FindAsync(t, [.. shapes], cancellationToken), "who_has"))
                ?? throw new PeerCommandException(new NoHolder(target.Name, target.Id, AnyMore: true));
            if (holders.Peers.Count == 0)
                throw new PeerCommandException(new NoHolder(target.Name, target.Id, AnyMore: false));
            peers = [.. holders.Peers.Where(Trusted)];
            if (peers.Count == 0)
                throw new PeerCommandException(new OnlyBadHolders(target.Name, target.Id, [.. holders.Peers.Select(p => p.Endpoint)]));
            shape = new FileShape(holders.Length, holders.PieceLength);
        }

        var session = new DownloadSession(target.Id, target.Name, shape.Length, peers, Repository, _options, ServingEndPoint.Port,
            _loggers.CreateLogger("P2PShare.Peer.Download"), async ct => [.. (await HolderLookup.FindMoreAsync(_tracker.Client, target.Id, shape, ct)).Where(Trusted)])
        {
            After = earlier.Count == 0 ? null : Task.WhenAll(earlier.Select(d => d.Completion)), // all of them: one copy at a time
        };
        session.PieceVerified += Verified;
        session.PeerDropped += (peer, reason) => Tell(new HolderDropped(session.Name, peer, reason));
        session.PeerLost += (peer, reason) => Tell(new HolderLost(session.Name, peer, reason));
        var stop = new CancellationTokenSource();
        // Listed before its run can end, or a stale entry with a disposed stop source stays.
        return _downloads.Add(() => new ActiveDownload(session, stop, RunDownloadAsync(session, stop, inFolder), alreadyHere: peers.Count == 0));
    }

    // A piece verified while downloading: the tracker hears in a batch, fetchers watching the file at once.
    private void Verified(FileId file, int piece)
    {
        _pieces.Verified(file, piece);
        _server?.PieceGained(file, piece);
    }

    private async Task<DownloadResult> RunDownloadAsync(DownloadSession session, CancellationTokenSource stop, bool inFolder)
    {
        await Task.Yield();
        DownloadResult result;
        try
        {
            result = await session.RunAsync(stop.Token);
        }
        finally
        {
            session.PieceVerified -= Verified;
            _downloads.Remove(session);
            _pieces.Forget(session.Id);
            stop.Dispose();
        }
        // A download that ends with nothing verified keeps nothing: its sparse .part and state go.
        if (result.Outcome != DownloadOutcome.Completed && !_downloads.Has(session.Id)) // not under another name's download running
            _repository?.ReleaseIfEmpty(session.Id);
        else
            await DropStaleDownloadsAsync(session.Name, session.Id);
        await _tracker.AnnounceQuietlyAsync();
        if (!inFolder) // a folder's files are reported together, by FolderFinished
            DownloadFinished?.Invoke(result);
        return result;
    }
}
