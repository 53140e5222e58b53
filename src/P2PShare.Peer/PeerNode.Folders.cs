using P2PShare.Peer.Network;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer;

// Folders: `request photos/` fetches every file the tracker lists under photos/.
public sealed partial class PeerNode
{
    private readonly Lock _foldersGate = new();
    private readonly List<FolderDownload> _folders = [];

    /// <summary>Raised when a folder download ends, with every file's result (its files raise no <see cref="DownloadFinished"/> of their own).</summary>
    public event Action<FolderResult>? FolderFinished;

    /// <summary>The folder downloads under way.</summary>
    public IReadOnlyList<FolderDownload> Folders
    {
        get
        {
            lock (_foldersGate)
                return [.. _folders];
        }
    }

    /// <summary>True when <paramref name="asked"/> names a folder (it ends in '/'), not a file.</summary>
    public static bool IsFolder(string asked) => asked is [.., FileNameRules.Separator];

    /// <summary>
    /// Starts fetching every file the tracker lists under <paramref name="folder"/> (ending in '/';
    /// the tracker is asked for that folder's files alone, page by page), <see cref="FolderDownload.FilesAtOnce"/> at a time.
    /// Throws <see cref="PeerCommandException"/> when no file is listed under it.
    /// </summary>
    public async Task<FolderDownload> RequestFolderAsync(string folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!IsFolder(folder) || FileNameRules.Check(folder[..^1]) is not null)
            throw new PeerCommandException(new FileNotFound(folder, IdTooShort: false));
        var claim = ClaimFolder(folder);
        try
        {
            var listed = Offered((await ListAsync(cancellationToken, folder)).Where(f => f.Name.StartsWith(folder, StringComparison.Ordinal)).ToList());
            if (listed.Count == 0)
                throw new PeerCommandException(new EmptyFolder(folder));
            var files = listed.GroupBy(f => f.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(Resolve).ToList();
            FolderDownload download;
            lock (_foldersGate)
            {
                var batch = NewBatch();
                download = new FolderDownload(folder, files, (shapes, ct) => StartAsync(shapes, ct, folder: batch), batch,
                    _loggers.CreateLogger("P2PShare.Peer.Download"));
                _folders.Add(download);
            }
            _ = ReportWhenDoneAsync(download, claim);
            return download;
        }
        catch
        {
            claim.Dispose();
            throw;
        }
    }

    // One fetch of a folder (or of one around or inside it) into this repository at a time, across processes:
    // two would each fail the files the other holds. Refused with the one that runs.
    private FolderFetchLock ClaimFolder(string folder)
    {
        try
        {
            return FolderFetchLock.TryAcquire(Repository.Root, folder, out var busy)
                ?? throw new PeerCommandException(new FolderBeingFetched(folder, busy!.Busy, busy.How, Repository.Root));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PeerCommandException(new FolderUnusable($"cannot fetch into {Repository.Root}: {e.Message}"));
        }
    }

    /// <summary>
    /// Progress of everything under way: one line per folder (its files' downloads are not listed apart)
    /// and one per other download.
    /// </summary>
    public IReadOnlyList<DownloadProgress> Progress()
    {
        var folders = Folders;
        return folders.Select(f => f.GetProgress())
            .Concat(Downloads.Where(d => !folders.Any(f => f.Owns(d))).Select(d => d.Session.GetProgress()))
            .ToList();
    }

    /// <summary>Stops every download under way and closes its connections; verified pieces are kept.</summary>
    public async Task<IReadOnlyList<DownloadResult>> StopDownloadsAsync()
    {
        foreach (var folder in Folders)
            await folder.StopAsync(); // first, or it starts its next file
        var running = Downloads;
        foreach (var download in running)
            await download.StopAsync();
        return await Task.WhenAll(running.Select(d => d.Completion));
    }

    /// <summary>Waits until every download under way has ended.</summary>
    public async Task<IReadOnlyList<DownloadResult>> WaitForDownloadsAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(Folders.Select(f => f.Completion)).WaitAsync(cancellationToken);
        return await Task.WhenAll(Downloads.Select(d => d.Completion)).WaitAsync(cancellationToken);
    }

    // One name under the folder: its entries, or why it cannot be fetched (two ids with that name). Our
    // own copy of a name is no rival to another peer's: an id complete here is passed over while another remains.
    private (string Name, IReadOnlyList<NetworkFile> Shapes, PeerFailure? Failure) Resolve(IGrouping<string, NetworkFile> named)
    {
        var entries = named.ToList();
        var elsewhere = entries.Where(f => !(Repository.TryGet(f.Id, out var held) && held is { IsComplete: true })).ToList();
        try
        {
            return (named.Key, FileLookup.Resolve(named.Key, elsewhere.Count > 0 ? elsewhere : entries.Take(1).ToList(), OnlyOurs), null);
        }
        catch (PeerCommandException e)
        {
            return (named.Key, [], e.Failure);
        }
    }

    // One folder's small files as one transfer: who_has_many (who_has from an older tracker), one connection per holder.
    private FolderBatch NewBatch() => new(Repository, _options,
        // Both wait out a short loss of the tracker (Network/TrackerPatience), as a file's start does; null is an older tracker's answer.
        (id, shape, ct) => _tracker.CallPatientlyAsync(t => t.WhoHasAsync(id, shape, ct), "who_has", h => h is { Peers.Count: > 0 }, ct),
        (files, ct) => _tracker.CallPatientlyAsync(t => t.WhoHasManyAsync(files, ct), "who_has_many", h => h is null || h.Peers.Count > 0, ct),
        (holder, ct) => PeerLink.ConnectAsync(holder.Host, holder.Port, ServingEndPoint.Port, _options, ct),
        _announceSoon.Request,
        (name, holder, drop) => Tell(new HolderDropped(name, holder, drop)),
        _loggers.CreateLogger("P2PShare.Peer.Download"));

    private async Task ReportWhenDoneAsync(FolderDownload download, FolderFetchLock claim)
    {
        var result = await download.Completion;
        claim.Dispose();
        lock (_foldersGate)
            _folders.Remove(download);
        FolderFinished?.Invoke(result);
    }
}
