using System.Collections.Concurrent;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Transfer;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A folder's small (one-piece) files travel as one batch (Transfer/FolderBatch): each piece is checked
/// against its file's id, lost holders and liars cost time but never a file, and a stop is prompt.
/// </summary>
public sealed class FolderBatchTests
{
    private const int Files = 40;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static byte[] Content(int i) => TestFiles.Random(10_000 + 37 * i, seed: 100 + i);

    private static string Name(int i) => $"small/{i / 10}/f{i:D2}.bin";

    private static async Task<PeerNode> HolderAsync(PeerNetwork net, string name, PeerParts? parts)
    {
        var options = net.Options(name);
        for (int i = 0; i < Files; i++)
        {
            string path = Path.Combine(options.RepositoryPath!, Name(i).Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Content(i));
        }
        return await net.StartPeerAsync(options, parts: parts);
    }

    private static void AssertAllThere(PeerNode downloader)
    {
        for (int i = 0; i < Files; i++)
            Assert.Equal(Content(i), File.ReadAllBytes(Path.Combine(downloader.Repository.Root, Name(i).Replace('/', Path.DirectorySeparatorChar))));
    }

    [Fact]
    public async Task A_holder_that_sends_wrong_small_files_is_dropped_and_every_file_comes_whole_from_the_honest_one()
    {
        var net = new PeerNetwork();
        await using var _ = net;
        await net.StartTrackerAsync();
        // The honest holder answers only once the liar has been asked for a file, so the liar's answer is always seen.
        var liarAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await HolderAsync(net, "liar", new PeerParts
        {
            ServeThrough = inner => new GatedPieces(new CorruptPieces(inner), _ =>
            {
                liarAsked.TrySetResult();
                return Task.CompletedTask;
            }),
        });
        await HolderAsync(net, "honest", new PeerParts { ServeThrough = GatedPieces.Wrap(ct => liarAsked.Task.WaitAsync(ct)) });
        var downloader = await net.StartPeerAsync(net.Options("c"));
        var notices = new ConcurrentQueue<PeerNotice>();
        downloader.Notice += notices.Enqueue;

        var result = await (await downloader.RequestFolderAsync("small/", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.True(result.IsComplete, FolderText.Summary(result, "again"));
        Assert.Equal(Files, result.Fetched);
        AssertAllThere(downloader);
        Assert.Contains(notices, n => n is HolderDropped { Drop.Kind: HolderDropKind.CorruptPiece });
    }

    [Fact]
    public async Task A_folder_whose_only_holder_lies_fails_at_once_without_asking_that_holder_again_per_file()
    {
        var net = new PeerNetwork();
        await using var _ = net;
        await net.StartTrackerAsync();
        await HolderAsync(net, "liar", new PeerParts { ServeThrough = CorruptPieces.Wrap });
        var downloader = await net.StartPeerAsync(net.Options("c"));
        var notices = new ConcurrentQueue<PeerNotice>();
        downloader.Notice += notices.Enqueue;

        // Each file once waited 30 s for a holder that gives a good piece, four at a time: minutes for 40 files.
        var result = await (await downloader.RequestFolderAsync("small/", CancellationToken.None)).Completion.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, result.Fetched);
        Assert.All(result.Files, f => Assert.IsType<OnlyBadHolders>(f.Failure));
        Assert.True(notices.Count(n => n is HolderDropped) <= FolderBatch.RequestsPerHolder, $"{notices.Count(n => n is HolderDropped)} drops: the liar was asked again per file");
        Assert.False(Directory.Exists(Path.Combine(downloader.Repository.Root, "small")));
    }

    [Fact]
    public async Task A_holder_that_vanishes_in_the_middle_of_a_batch_costs_no_file()
    {
        var net = new PeerNetwork();
        await using var _ = net;
        await net.StartTrackerAsync();
        int served = 0;
        var vanish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first holder serves 5 pieces, then holds every later request until it is shut down.
        var first = await HolderAsync(net, "a", new PeerParts
        {
            ServeThrough = GatedPieces.Wrap(async ct =>
            {
                if (Interlocked.Increment(ref served) > 5)
                {
                    vanish.TrySetResult();
                    await Task.Delay(Timeout.Infinite, ct);
                }
            }),
        });
        await HolderAsync(net, "b", new PeerParts { ServeThrough = GatedPieces.Wrap(ct => vanish.Task.WaitAsync(ct)) });
        var downloader = await net.StartPeerAsync(net.Options("c"));

        var folder = await downloader.RequestFolderAsync("small/", CancellationToken.None);
        await vanish.Task.WaitAsync(Deadline);
        await first.DisposeAsync();
        var result = await folder.Completion.WaitAsync(Deadline);

        Assert.True(result.IsComplete, FolderText.Summary(result, "again"));
        AssertAllThere(downloader);
    }

    [Fact]
    public async Task Stopping_a_batch_is_prompt_and_leaves_no_file_under_a_final_name_nor_a_temporary_one()
    {
        var net = new PeerNetwork();
        await using var _ = net;
        await net.StartTrackerAsync();
        var never = new TaskCompletionSource();
        await HolderAsync(net, "a", new PeerParts { ServeThrough = GatedPieces.Wrap(ct => never.Task.WaitAsync(ct)) });
        var downloader = await net.StartPeerAsync(net.Options("c"));

        var folder = await downloader.RequestFolderAsync("small/", CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(folder.GetProgress().ActivePeers > 0), "the holder is connected", Deadline);
        await downloader.StopDownloadsAsync();
        var stopped = await folder.Completion.WaitAsync(TimeSpan.FromSeconds(5)); // well within a request's 15 s timeout

        Assert.Equal(DownloadOutcome.Stopped, stopped.Outcome);
        Assert.False(Directory.Exists(Path.Combine(downloader.Repository.Root, "small")));
        string incoming = Path.Combine(downloader.Repository.Root, ".p2pshare", "incoming");
        Assert.True(!Directory.Exists(incoming) || Directory.GetFiles(incoming).Length == 0);
    }
}
