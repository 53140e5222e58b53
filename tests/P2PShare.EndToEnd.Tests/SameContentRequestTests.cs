using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Transfer;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// `request NAME` while another name of the same content is downloading waits for that download and then
/// gets a verified copy, as a folder's later names do; if that download is stopped it fetches the file itself.
/// The same name twice is still "already downloading".
/// </summary>
public sealed class SameContentRequestTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly byte[] Content = TestFiles.Random(5 * 64 * 1024 + 11, seed: 21);

    private static async Task<(PeerNetwork Net, PeerNode Downloader)> StartAsync(Task open)
    {
        var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var holder = net.Options("holder");
        foreach (string name in new[] { "a.bin", "copies/b.bin" })
        {
            string path = Path.Combine(holder.RepositoryPath!, name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, Content);
        }
        await net.StartPeerAsync(holder, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(ct => open.WaitAsync(ct)) });
        return (net, await net.StartPeerAsync(net.Options("getter")));
    }

    [Fact]
    public async Task A_second_name_of_content_downloading_now_waits_for_it_and_gets_a_copy_while_the_same_name_is_refused()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (net, downloader) = await StartAsync(open.Task);
        await using var _ = net;

        var first = await downloader.RequestAsync("a.bin", CancellationToken.None);
        var second = await downloader.RequestAsync("copies/b.bin", CancellationToken.None);
        var again = await Assert.ThrowsAsync<PeerCommandException>(() => downloader.RequestAsync("a.bin", CancellationToken.None));
        open.SetResult();
        var fetched = await first.Completion.WaitAsync(Deadline);
        var copied = await second.Completion.WaitAsync(Deadline);

        Assert.Equal(new AlreadyDownloading("a.bin", first.Session.Id), again.Failure);
        Assert.True(fetched.Outcome == DownloadOutcome.Completed, Report.Result(fetched));
        Assert.True(copied.Outcome == DownloadOutcome.Completed, Report.Result(copied));
        Assert.Equal(0, copied.BytesReceived); // the content crossed the network once
        Assert.Equal(Content, File.ReadAllBytes(Path.Combine(downloader.Repository.Root, "copies", "b.bin")));
    }

    [Fact]
    public async Task A_second_name_whose_first_download_is_stopped_fetches_the_file_itself()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (net, downloader) = await StartAsync(open.Task);
        await using var _ = net;

        var first = await downloader.RequestAsync("a.bin", CancellationToken.None);
        var second = await downloader.RequestAsync("copies/b.bin", CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(first.Session.GetProgress().TotalPieces > 0), "the first has its .part (under its own name)", Deadline);
        await first.StopAsync();
        var stopped = await first.Completion.WaitAsync(Deadline);
        open.SetResult();
        var fetched = await second.Completion.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Stopped, stopped.Outcome);
        Assert.True(fetched.Outcome == DownloadOutcome.Completed, Report.Result(fetched));
        Assert.Equal(Content.Length, fetched.BytesReceived);
        Assert.Equal(Content, File.ReadAllBytes(Path.Combine(downloader.Repository.Root, "copies", "b.bin")));
    }
}
