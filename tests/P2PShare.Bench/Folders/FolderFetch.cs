using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Bench.Swarm;
using P2PShare.Peer;
using P2PShare.Peer.Transfer;

namespace P2PShare.Bench.Folders;

/// <summary>
/// One downloader, in this process (the engine, <see cref="PeerNode"/>), joined to the benchmark's
/// tracker with a fresh repository: fetches the fetch folder file by file, or the single file, from
/// the seeder, and checks every byte against the source.
/// </summary>
internal sealed class FolderFetch : IAsyncDisposable
{
    private readonly PeerNode _node;
    private readonly string _repo;

    private FolderFetch(PeerNode node, string repo)
    {
        _node = node;
        _repo = repo;
    }

    private long _requestTicks, _downloadTicks;

    public PeerNode Node => _node;

    /// <summary>Summed over the files fetched since the last call, then reset: time in the request (name and holders looked up), time from there to the file verified and announced.</summary>
    public (TimeSpan Request, TimeSpan Download) TakePhases() =>
        (Stopwatch.GetElapsedTime(0, Interlocked.Exchange(ref _requestTicks, 0)), Stopwatch.GetElapsedTime(0, Interlocked.Exchange(ref _downloadTicks, 0)));

    public static async Task<FolderFetch> JoinAsync(string repo, string tracker, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(repo);
        var options = new PeerOptions { Port = 0, BindAddress = IPAddress.Loopback, RepositoryPath = repo, DefaultTracker = tracker };
        var node = new PeerNode(options, loggers);
        try
        {
            await node.StartServingAsync(cancellationToken);
            await node.JoinAsync(tracker, cancellationToken, listFiles: false);
            return new FolderFetch(node, repo);
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fetches <paramref name="names"/>, at most <paramref name="parallel"/> at once; the time from the first request to the last file verified.</summary>
    public async Task<TimeSpan> FetchAsync(IReadOnlyList<string> names, int parallel, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(parallel);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(names.Select(async name =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                long start = Stopwatch.GetTimestamp();
                var download = await _node.RequestAsync(name, cancellationToken);
                long requested = Stopwatch.GetTimestamp();
                var result = await download.Completion.WaitAsync(cancellationToken);
                Interlocked.Add(ref _requestTicks, requested - start);
                Interlocked.Add(ref _downloadTicks, Stopwatch.GetTimestamp() - requested);
                if (result.Outcome != DownloadOutcome.Completed)
                    throw new InvalidOperationException($"'{name}' did not complete: {result.Outcome} {result.Failure}");
            }
            finally
            {
                gate.Release();
            }
        }));
        return clock.Elapsed;
    }

    /// <summary>Fetches <paramref name="folder"/> (ending in '/') with one folder request, as <c>request FOLDER/</c> does; the time until its last file is verified.</summary>
    public async Task<TimeSpan> FetchFolderAsync(string folder, int files, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var download = await _node.RequestFolderAsync(folder, cancellationToken);
        var result = await download.Completion.WaitAsync(cancellationToken);
        if (result.Fetched != files)
            throw new InvalidOperationException($"'{folder}': {result.Fetched} of {files} files fetched; {result.Failed.Count()} failed");
        return clock.Elapsed;
    }

    /// <summary>Throws unless every fetched file holds the source's bytes.</summary>
    public void Verify(IEnumerable<string> names, string sourceRoot)
    {
        foreach (var name in names)
        {
            string local = Path.Combine(_repo, name.Replace('/', Path.DirectorySeparatorChar));
            if (!BenchFiles.SameContent(Path.Combine(sourceRoot, name.Replace('/', Path.DirectorySeparatorChar)), local))
                throw new InvalidOperationException($"{local} differs from the source");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The files stay until the benchmark's end: on ext4 without a journal, inodes freed in the last
        // minutes make every new file slower to create, so deleting 1,000 files here slowed the next run's fetch.
        await _node.DisposeAsync();
    }
}
