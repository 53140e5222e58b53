using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Storage;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// Every file the tracker lists under a folder, fetched a few at a time (each from every holder it
/// has, as a single file is), with one progress for the whole folder and one result at the end. A
/// file complete here already ends at once as "already present"; an interrupted folder resumes by
/// being asked for again, each file from its own verified pieces.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its one token source has no timer and is linked to nothing: there is nothing to dispose.")]
public sealed class FolderDownload
{
    /// <summary>Files fetched at once: enough to hide each file's start (manifest, dialling) behind others' transfers, few enough to keep each holder's links busy with whole pieces.</summary>
    public const int FilesAtOnce = 4;

    private readonly Func<IReadOnlyList<NetworkFile>, CancellationToken, Task<ActiveDownload>> _start;
    private readonly Item[] _items;
    private readonly FolderBatch? _batch;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopStarts = new(); // a file's start may wait for the tracker to come back
    private volatile bool _stopping;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <param name="folder">The folder, ending in '/'.</param>
    /// <param name="files">The entries of each file under it, by name (the shapes <see cref="FileLookup"/> resolved), or why a name could not be resolved.</param>
    /// <param name="start">Starts one file's download from its entries (throws <see cref="PeerCommandException"/> when it cannot).</param>
    /// <param name="batch">Fetches the small files as one transfer (<see cref="FolderBatch"/>); null: every file on its own.</param>
    /// <param name="logger">Where a batch that broke down is logged.</param>
    internal FolderDownload(string folder, IReadOnlyList<(string Name, IReadOnlyList<NetworkFile> Shapes, PeerFailure? Failure)> files,
        Func<IReadOnlyList<NetworkFile>, CancellationToken, Task<ActiveDownload>> start, FolderBatch? batch = null, ILogger? logger = null)
    {
        Folder = folder;
        _start = start;
        _batch = batch;
        _logger = logger ?? NullLogger.Instance;
        _items = files.Select(f => new Item(f.Name, f.Shapes, f.Failure)).ToArray();
        // One content under several names is fetched once: each later name waits for the name before it, then is
        // copied. A chain, not all waiting on the first: two names copying one content at once collide ("already downloading").
        var latest = new Dictionary<Protocol.Files.FileId, Item>();
        foreach (var item in _items.Where(i => i.Shapes.Count > 0 && i.Failure is null))
        {
            if (latest.TryGetValue(item.Shapes[0].Id, out var previous))
                item.First = previous;
            latest[item.Shapes[0].Id] = item;
        }
        Completion = RunAsync();
    }

    /// <summary>The folder as asked for, with its trailing '/'.</summary>
    public string Folder { get; }

    /// <summary>Files listed under the folder.</summary>
    public int FileCount => _items.Length;

    /// <summary>Their bytes, all together, as the tracker listed them.</summary>
    public long Length => _items.Sum(i => i.Length);

    /// <summary>Completes with the result of every file; never faults.</summary>
    public Task<FolderResult> Completion { get; }

    /// <summary>True while <paramref name="download"/> is one of this folder's files.</summary>
    public bool Owns(ActiveDownload download) => _items.Any(i => ReferenceEquals(Volatile.Read(ref i.Active), download));

    /// <summary>Stops the files under way (their verified pieces are kept) and starts no more.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        _stopped.TrySetResult();
        await _stopStarts.CancelAsync();
        foreach (var item in _items)
        {
            if (Volatile.Read(ref item.Active) is { } active)
                await active.StopAsync();
        }
    }

    /// <summary>The whole folder's progress, as one download named after the folder, with its file counts.</summary>
    public DownloadProgress GetProgress()
    {
        int done = 0, verified = 0, total = 0, activePeers = 0;
        long bytesReceived = 0, verifiedBytes = 0;
        var byPeer = new Dictionary<HolderAddress, int>();
        var dropped = new Dictionary<HolderAddress, HolderDrop>();
        foreach (var item in _items)
        {
            total += item.Pieces;
            if (Volatile.Read(ref item.Outcome) is { Result: { } result })
            {
                bytesReceived += result.BytesReceived;
                Add(byPeer, result.PiecesByPeer);
                if (result.Outcome == DownloadOutcome.Completed)
                {
                    done++;
                    verified += item.Pieces;
                    verifiedBytes += item.Length;
                }
            }
            else if (Volatile.Read(ref item.Active) is { } active)
            {
                var p = active.Session.GetProgress();
                verified += p.VerifiedPieces;
                verifiedBytes += p.TotalPieces == 0 ? 0 : (long)(item.Length * ((double)p.VerifiedPieces / p.TotalPieces));
                bytesReceived += p.BytesReceived;
                activePeers = Math.Max(activePeers, p.ActivePeers);
                Add(byPeer, p.PiecesByPeer);
                foreach (var (peer, drop) in p.DroppedPeers)
                    dropped.TryAdd(peer, drop);
            }
        }
        activePeers = Math.Max(activePeers, _batch?.ConnectedHolders ?? 0);
        return new DownloadProgress(Folder, Length, verified, total, bytesReceived, _clock.Elapsed, activePeers, byPeer)
        {
            DroppedPeers = dropped,
            Files = new FolderCount(done, _items.Length, verifiedBytes),
        };
    }

    private static void Add(Dictionary<HolderAddress, int> into, IReadOnlyDictionary<HolderAddress, int> from)
    {
        foreach (var (peer, pieces) in from)
            into[peer] = into.GetValueOrDefault(peer) + pieces;
    }

    private async Task<FolderResult> RunAsync()
    {
        await Task.Yield();
        try
        {
            // The small files go as one batch; the rest (large files, resumed downloads, later names of one
            // content, names the batch cannot take) and whatever the batch leaves undone go one by one.
            var batched = _batch is null ? [] : _items.Where(i => i.First is null && i.Failure is null && i.Shapes.Count == 1 && _batch.Accepts(i.Name, i.Shapes[0])).ToList();
            var single = _items.Except(batched).ToList();
            await Task.WhenAll(FetchEachAsync(single), BatchAsync(batched));
        }
        finally
        {
            _clock.Stop();
        }
        return new FolderResult(Folder, _items.Select(i => i.Outcome ?? new FolderFileResult(i.Name, i.Length, null, null)).ToList(), _clock.Elapsed);
    }

    private async Task BatchAsync(List<Item> batched)
    {
        if (batched.Count == 0 || _batch is null)
            return;
        var files = batched.Select(item => new BatchFile(item.Name, item.Shapes[0].Id, item.Length, item.Shapes[0].PieceLength, result =>
        {
            Volatile.Write(ref item.Outcome, new FolderFileResult(item.Name, item.Length, result, null));
            item.Done.TrySetResult();
        })).ToList();
        using (var stop = new CancellationTokenSource())
        {
            var run = _batch.RunAsync(files, stop.Token);
            if (await Task.WhenAny(run, _stopped.Task) != run)
                await stop.CancelAsync();
            try
            {
                await run;
            }
            catch (Exception e) when (!(e is OperationCanceledException && stop.IsCancellationRequested))
            {
                // A fault the batch did not expect (a bug, a broken look-up): said once, and its files go the ordinary way,
                // which reports each one that still cannot be fetched. Unobserved, the user would never learn why it was slow.
                PeerLog.BatchFaulted(_logger, e.Message, e);
            }
        }
        await FetchEachAsync(batched.Where(i => Volatile.Read(ref i.Outcome) is null).ToList());
    }

    private Task FetchEachAsync(List<Item> items) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = FilesAtOnce },
            async (item, _) =>
            {
                try
                {
                    Volatile.Write(ref item.Outcome, await FetchAsync(item));
                }
                finally
                {
                    item.Done.TrySetResult(); // the names waiting for it go on, whatever happened
                }
            });

    // One file: never throws, whatever happens to it (the folder goes on with the others).
    // Starting a file (who_has, its holders) is cancelled only by a stop: it is short, with the tracker's timeouts,
    // unless it waits for a lost tracker to come back.
    private async Task<FolderFileResult> FetchAsync(Item item)
    {
        if (item.First is { } first)
            await first.Done.Task; // taken in list order, so the one before is under way already and never waits for this one
        if (item.Failure is not null || _stopping)
            return new FolderFileResult(item.Name, item.Length, null, item.Failure);
        ActiveDownload active;
        try
        {
            active = await _start(item.Shapes, _stopStarts.Token);
        }
        catch (PeerCommandException e)
        {
            return new FolderFileResult(item.Name, item.Length, null, e.Failure);
        }
        catch (StorageException e)
        {
            return new FolderFileResult(item.Name, item.Length, null, new FolderUnusable(e.Message));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return new FolderFileResult(item.Name, item.Length, null, null); // the peer is leaving: stopped
        }
        Volatile.Write(ref item.Active, active);
        if (_stopping)
            await active.StopAsync(); // stopped while it was starting: StopAsync may have looked before it was here
        var result = await active.Completion;
        return new FolderFileResult(item.Name, item.Length, result, null);
    }

    private sealed class Item(string name, IReadOnlyList<NetworkFile> shapes, PeerFailure? failure)
    {
        public string Name { get; } = name;

        public IReadOnlyList<NetworkFile> Shapes { get; } = shapes;

        public PeerFailure? Failure { get; } = failure;

        public long Length { get; } = shapes.Count == 0 ? 0 : shapes[0].Length;

        public int Pieces { get; } = shapes.Count == 0 ? 0 : (int)((shapes[0].Length + shapes[0].PieceLength - 1) / shapes[0].PieceLength);

        public ActiveDownload? Active;

        public FolderFileResult? Outcome;

        /// <summary>The name before this one of the same content: this one starts when that one has ended.</summary>
        public Item? First;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
