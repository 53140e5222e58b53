using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Outcomes;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A holder deletes a file of a folder while it is being fetched: the downloader is left holding part
/// of it, which it announces, so the tracker keeps listing the name under the folder with no holder
/// but the downloader. A rerun of the folder leaves that file out (once, with a notice) and completes,
/// and the verified pieces stay.
/// </summary>
public sealed class FolderOnlyPartHereTests
{
    private const int Pieces = 32; // of 64 KiB (PeerNetwork's piece length)
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_file_only_this_peer_holds_part_of_is_left_out_of_the_folder_and_the_rerun_completes_keeping_its_pieces()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var gate = new PieceGate(free: 5);
        var alice = net.Options("alice");
        Directory.CreateDirectory(Path.Combine(alice.RepositoryPath!, "ed"));
        var e1 = TestFiles.Random(100_000, seed: 11);
        TestFiles.Write(alice.RepositoryPath!, Path.Combine("ed", "e1.bin"), e1);
        string e2 = TestFiles.Write(alice.RepositoryPath!, Path.Combine("ed", "e2.bin"), TestFiles.Random(Pieces * 64 * 1024, seed: 12));
        await net.StartPeerAsync(alice, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(gate.WaitAsync) });
        var bob = await net.StartPeerAsync(net.Options("bob"));
        var notices = new List<PeerNotice>();
        bob.Notice += n => { lock (notices) notices.Add(n); };

        // Bob gets 5 pieces of ed/e2.bin, then alice deletes it: only bob's part of it is left anywhere.
        var partial = await bob.RequestAsync("ed/e2.bin", CancellationToken.None).WaitAsync(Deadline);
        var id = partial.Session.Id;
        await Eventually.TrueAsync(() => Task.FromResult(partial.Session.GetProgress().VerifiedPieces == 5), "5 pieces arrive", Deadline);
        await bob.StopDownloadsAsync().WaitAsync(Deadline);
        File.Delete(e2);
        gate.Open();
        await bob.UpdateAsync(CancellationToken.None).WaitAsync(Deadline); // alice rescans and re-announces
        await Eventually.TrueAsync(() => Task.FromResult(net.Tracker.Registry.List("ed/e2.bin") is [{ CompleteHolders: 0, PartialHolders: 1 }]),
            "the tracker lists ed/e2.bin with bob's part alone", Deadline);

        var result = await (await bob.RequestFolderAsync("ed/", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.True(result.IsComplete, FolderText.Summary(result, "again"));
        Assert.Equal(["ed/e1.bin"], result.Files.Select(f => f.Name));
        Assert.Equal(e1, File.ReadAllBytes(Path.Combine(bob.Repository.Root, "ed", "e1.bin")));
        lock (notices)
            Assert.Single(notices, n => n is OnlyPartHere { Name: "ed/e2.bin", Verified: 5, Pieces: Pieces } o && o.Id == id);
        Assert.True(bob.Repository.TryGet(id, out var kept) && kept is { IsComplete: false, VerifiedCount: 5 }, "the verified part is kept");
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(bob.Repository.Root, ".p2pshare", "downloads"), id + ".*"));
    }
}
