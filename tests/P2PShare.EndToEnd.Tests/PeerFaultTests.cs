using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using P2PShare.Peer;
using P2PShare.Peer.Network;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// Faults in a running network, in this process on 127.0.0.1: a holder that dies or lies, a tracker
/// that restarts. Seeders are held back with a <see cref="PieceGate"/>, so "mid-download" is exact.
/// </summary>
public sealed class PeerFaultTests
{
    private const string FileName = "big.bin";
    private const int Pieces = 32; // of 64 KiB (PeerNetwork's piece length)
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly byte[] Content = TestFiles.Random(Pieces * 64 * 1024, seed: 40);

    [Fact]
    public async Task Download_completes_from_the_other_holder_when_a_serving_peer_dies_mid_download()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var dying = new PieceGate(free: 5);
        var survivor = new PieceGate(free: 0);
        var holderA = await StartSeederAsync(net, "a", GatedPieces.Wrap(dying.WaitAsync));
        var holderB = await StartSeederAsync(net, "b", GatedPieces.Wrap(survivor.WaitAsync));
        var downloader = await net.StartPeerAsync(net.Options("c"));
        var download = await downloader.RequestAsync(FileName, CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(download.Session.GetProgress().VerifiedPieces == 5), "5 pieces arrive from the first holder", Deadline);

        var endpointA = Endpoint(holderA);
        await holderA.DisposeAsync(); // dies with requests of ours in flight
        survivor.Open();
        var result = await download.Completion.WaitAsync(Deadline);

        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.Equal(Content, File.ReadAllBytes(result.FinalPath!));
        Assert.Equal(5, result.PiecesByPeer[endpointA]);
        Assert.Equal(Pieces - 5, result.PiecesByPeer[Endpoint(holderB)]);
        Assert.Contains(endpointA, result.DroppedPeers.Keys);
    }

    [Fact]
    public async Task A_peer_serving_corrupt_pieces_is_dropped_the_user_is_told_and_the_file_arrives_intact()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var honest = new PieceGate(free: 0);
        var liar = await StartSeederAsync(net, "liar", CorruptPieces.Wrap);
        var holder = await StartSeederAsync(net, "honest", GatedPieces.Wrap(honest.WaitAsync));
        var downloader = await net.StartPeerAsync(net.Options("c"));
        var screen = new StringWriter();
        var loop = new CommandLoop(downloader, TextReader.Null, new UserOutput(TextWriter.Synchronized(screen)), prompt: false);

        await loop.ExecuteAsync($"request {FileName}", CancellationToken.None);
        var download = Assert.Single(downloader.Downloads);
        var liarEndpoint = Endpoint(liar);
        // The honest holder serves nothing until the liar has been caught, so the liar is surely asked.
        await Eventually.TrueAsync(() => Task.FromResult(download.Session.GetProgress().DroppedPeers.ContainsKey(liarEndpoint)), "the liar is dropped", Deadline);
        honest.Open();
        var result = await download.Completion.WaitAsync(Deadline);

        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.Equal(Content, File.ReadAllBytes(result.FinalPath!));
        Assert.False(result.PiecesByPeer.ContainsKey(liarEndpoint), "no piece is taken from the liar");
        Assert.Equal(Pieces, result.PiecesByPeer[Endpoint(holder)]);
        Assert.Equal(HolderDropKind.CorruptPiece, result.DroppedPeers[liarEndpoint].Kind);
        string shown = screen.ToString();
        Assert.Contains($"Dropped peer {liarEndpoint} for '{FileName}': it sent a corrupt piece", shown, StringComparison.Ordinal);
        Assert.Contains($"dropped {liarEndpoint} (it sent a corrupt piece", Report.Result(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task End_game_duplicates_still_queued_at_a_stalled_holder_are_cancelled_on_the_wire()
    {
        var log = new ListLogger();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(new ListLoggerProvider(log)).SetMinimumLevel(LogLevel.Debug));
        await using var net = new PeerNetwork { Loggers = loggers };
        await net.StartTrackerAsync();
        var stalled = new PieceGate(free: 0); // takes requests, never answers until the end
        await StartSeederAsync(net, "stalled", GatedPieces.Wrap(stalled.WaitAsync));
        var fast = await StartSeederAsync(net, "fast", pieces => pieces);
        var downloader = await net.StartPeerAsync(net.Options("c"));

        var download = await downloader.RequestAsync(FileName, CancellationToken.None);
        var result = await download.Completion.WaitAsync(Deadline);

        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.Equal(Content, File.ReadAllBytes(result.FinalPath!));
        Assert.Equal(Pieces, result.PiecesByPeer[Endpoint(fast)]);
        // The pieces asked of the stalled holder came from the fast one in the end-game; those requests
        // were cancelled, and the stalled holder dropped the ones still waiting in its queue.
        Assert.True(log.Has(LogLevel.Debug, "it came from another peer first"), "the downloader cancelled its duplicates");
        await Eventually.TrueAsync(() => Task.FromResult(log.Has(LogLevel.Debug, "the fetcher cancelled it")), "the stalled holder dropped queued duplicates", Deadline);
        stalled.Open();
    }

    [Fact]
    public async Task After_a_tracker_restart_peers_rejoin_by_themselves_and_the_network_view_is_whole_again()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var gate = new PieceGate(free: 3);
        var seeder = await StartSeederAsync(net, "seeder", GatedPieces.Wrap(gate.WaitAsync));
        var other = net.Options("other") with { ReconnectInitialDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(400) };
        TestFiles.Write(other.RepositoryPath!, "notes.txt", "notes"u8.ToArray());
        var sharer = await net.StartPeerAsync(other);
        var downloader = await net.StartPeerAsync(net.Options("c") with { ReconnectInitialDelay = TimeSpan.FromMilliseconds(50), ReconnectMaxDelay = TimeSpan.FromMilliseconds(400) });
        var notices = new ConcurrentQueue<string>();
        foreach (var node in new[] { seeder, sharer, downloader })
            node.Notice += NoticeText.SayTo(notices.Enqueue);
        var download = await downloader.RequestAsync(FileName, CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(download.Session.GetProgress().VerifiedPieces == 3), "3 pieces arrive", Deadline);

        await net.RestartTrackerAsync(); // the new tracker knows nothing

        var fileId = seeder.Repository.Files.Single().Id;
        await Eventually.TrueAsync(() => Task.FromResult(net.Tracker.Registry.WhoHas(0, fileId) is { } holders
                && holders.Peers.Count == 2 && holders.Peers.Any(p => p.Have?.Present == 3)
                && net.Tracker.Registry.List("notes.txt").Count == 1),
            "every peer has re-reported, the downloader with its 3 verified pieces", Deadline);
        await Eventually.TrueAsync(() => Task.FromResult(notices.Count(n => n.StartsWith("Reconnected to the tracker at ", StringComparison.Ordinal)) == 3), "every peer says it is back", Deadline);
        Assert.Equal(3, notices.Count(n => n.StartsWith("Lost the tracker at ", StringComparison.Ordinal)));
        Assert.Equal(["big.bin", "notes.txt"], (await downloader.ListAsync(CancellationToken.None)).Select(f => f.Name).Order(StringComparer.Ordinal));

        gate.Open();
        var result = await download.Completion.WaitAsync(Deadline);
        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.Equal(Content, File.ReadAllBytes(result.FinalPath!));
    }

    private static async Task<PeerNode> StartSeederAsync(PeerNetwork net, string name, Func<IPieceSource, IPieceSource> serveThrough)
    {
        var options = net.Options(name) with
        {
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
        };
        TestFiles.Write(options.RepositoryPath!, FileName, Content);
        return await net.StartPeerAsync(options, parts: new PeerParts { ServeThrough = serveThrough });
    }

    private static HolderAddress Endpoint(PeerNode node) => new("127.0.0.1", node.ServingEndPoint.Port);
}
