using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Network;
using P2PShare.Peer.Transfer;

namespace P2PShare.EndToEnd.Tests;

/// <summary>Peers serve the verified pieces of files they are still downloading, and find each other through the tracker while they do.</summary>
public sealed class PartialSeederTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Three_downloaders_started_together_finish_byte_identical_with_pieces_from_each_other()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var content = TestFiles.Random(4 * 1024 * 1024, seed: 31);
        // The seeder is slowed (test-only option) so the downloaders overlap long enough to trade pieces.
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, "shared.bin", content);
        var seeder = await net.StartPeerAsync(seederOptions, parts: new PeerParts { ServeThrough = ThrottledPieces.Wrap(4_000_000) });
        var seederEndpoint = new HolderAddress("127.0.0.1", seeder.ServingEndPoint.Port);
        var downloaders = new List<P2PShare.Peer.PeerNode>();
        foreach (var name in new[] { "d1", "d2", "d3" })
            downloaders.Add(await net.StartPeerAsync(net.Options(name) with { HolderRefreshInterval = TimeSpan.FromMilliseconds(100) }));

        var downloads = await Task.WhenAll(downloaders.Select(d => d.RequestAsync("shared.bin", CancellationToken.None)));
        var results = await Task.WhenAll(downloads.Select(d => d.Completion)).WaitAsync(Deadline);

        foreach (var result in results)
        {
            Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
            Assert.Equal(content, File.ReadAllBytes(result.FinalPath!));
        }
        int fromDownloaders = results.Sum(r => r.PiecesByPeer.Where(kv => kv.Key != seederEndpoint).Sum(kv => kv.Value));
        Assert.True(fromDownloaders > 0,
            "no downloader got a piece from another: " + string.Join(" | ", results.Select(r => string.Join(", ", r.PiecesByPeer))));
    }
}
