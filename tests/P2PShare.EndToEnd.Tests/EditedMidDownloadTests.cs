using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Transfer;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A holder edits a file while it is being fetched: the downloader is left with the old content's
/// unfinished download under the same name, which it announces. That partial copy must not make the
/// name ambiguous for it, and once the new content is complete it is dropped.
/// </summary>
public sealed class EditedMidDownloadTests
{
    private const string FileName = "ed.bin";
    private const int Pieces = 32; // of 64 KiB (PeerNetwork's piece length)
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_a_holder_edits_a_file_mid_download_the_name_fetches_the_new_content_and_the_old_partial_copy_is_dropped()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var gate = new PieceGate(free: 5);
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, FileName, TestFiles.Random(Pieces * 64 * 1024, seed: 1));
        var seeder = await net.StartPeerAsync(seederOptions, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(gate.WaitAsync) });
        var downloader = await net.StartPeerAsync(net.Options("downloader"));
        var notices = new List<PeerNotice>();
        downloader.Notice += n => { lock (notices) notices.Add(n); };
        var first = await downloader.RequestAsync(FileName, CancellationToken.None).WaitAsync(Deadline);
        var oldId = first.Session.Id;
        await Eventually.TrueAsync(() => Task.FromResult(first.Session.GetProgress().VerifiedPieces == 5), "5 pieces arrive", Deadline);
        await downloader.StopDownloadsAsync().WaitAsync(Deadline);

        // The holder edits the file; the downloader still holds (and announces) 5 pieces of the old content.
        var edited = TestFiles.Random(Pieces * 64 * 1024, seed: 2);
        TestFiles.Write(seederOptions.RepositoryPath!, FileName, edited);
        gate.Open();
        await downloader.UpdateAsync(CancellationToken.None).WaitAsync(Deadline); // the seeder rescans and re-announces
        await Eventually.TrueAsync(() => Task.FromResult(net.Tracker.Registry.List(FileName).Count == 2), "the tracker lists both contents under the name", Deadline);

        var second = await downloader.RequestAsync(FileName, CancellationToken.None).WaitAsync(Deadline);
        var result = await second.Completion.WaitAsync(Deadline);

        Assert.NotEqual(oldId, second.Session.Id);
        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.Equal(edited, File.ReadAllBytes(result.FinalPath!));
        Assert.False(downloader.Repository.TryGet(oldId, out _));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(downloader.Repository.Root, ".p2pshare", "downloads"), oldId + ".*"));
        lock (notices)
            Assert.Contains(new StaleDownloadDropped(FileName, oldId, 5, Pieces, second.Session.Id), notices);
        await Eventually.TrueAsync(() => Task.FromResult(net.Tracker.Registry.List(FileName) is [{ } only] && only.Id == second.Session.Id),
            "the tracker lists only the new content under the name", Deadline);
        Assert.Equal(second.Session.Id, (await downloader.RequestAsync(FileName, CancellationToken.None).WaitAsync(Deadline)).Session.Id); // no longer ambiguous
    }
}
