using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Network;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A tracker that does not know <c>who_has_many</c> (an older one answers <c>unknown_type</c>): the
/// folder's small files are looked up one <c>who_has</c> at a time and still travel as a batch, which
/// never asks for a manifest (the ordinary way would).
/// </summary>
public sealed class OlderTrackerBatchTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_folder_from_a_tracker_without_who_has_many_is_still_fetched_as_a_batch()
    {
        var net = new PeerNetwork();
        await using var _ = net;
        await net.StartTrackerAsync(); // the options name it; nobody joins it
        byte[] content = TestFiles.Random(20_000, seed: 7);
        var seederOptions = net.Options("seeder");
        Directory.CreateDirectory(Path.Combine(seederOptions.RepositoryPath!, "old"));
        TestFiles.Write(seederOptions.RepositoryPath!, Path.Combine("old", "x.bin"), content);
        var counting = new ManifestCounter();
        var seeder = await net.StartPeerAsync(seederOptions, join: false, parts: new PeerParts { ServeThrough = counting.Wrap });
        var file = seeder.Repository.Files.Single();
        await using var tracker = new FakeTracker(new NetworkFile(file.Id, "old/x.bin", file.Manifest.Length, file.Manifest.PieceLength, 1, 0),
            [new HolderEntry("127.0.0.1", seeder.ServingEndPoint.Port, null)]);
        var downloader = await net.StartPeerAsync(net.Options("downloader"), join: false);
        await downloader.JoinAsync(tracker.Address, CancellationToken.None, listFiles: false).WaitAsync(Deadline);

        var result = await (await downloader.RequestFolderAsync("old/", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.True(result.IsComplete, FolderText.Summary(result, "again"));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(downloader.Repository.Root, "old", "x.bin")));
        Assert.Equal(0, counting.ManifestsAsked);
    }

    private sealed class ManifestCounter
    {
        private int _asked;

        public int ManifestsAsked => Volatile.Read(ref _asked);

        public IPieceSource Wrap(IPieceSource inner) => new Counting(inner, this);

        private sealed class Counting(IPieceSource inner, ManifestCounter counter) : IPieceSource
        {
            public Manifest? FindManifest(FileId file)
            {
                Interlocked.Increment(ref counter._asked);
                return inner.FindManifest(file);
            }

            public PieceSet? FindPieces(FileId file) => inner.FindPieces(file);

            public ValueTask<PieceAnswer> GetPieceAsync(FileId file, int piece, CancellationToken cancellationToken) => inner.GetPieceAsync(file, piece, cancellationToken);
        }
    }
}
