using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary>A holder that leaves sends its last pieces, its <c>bye</c> and then the end: every piece that arrived whole is kept, and the goodbye is no fault.</summary>
public sealed class HolderLeavingTests
{
    private const int Pieces = 40;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly byte[] Content = StorageTestFolder.Bytes(Pieces * TestSeeder.PieceLength, seed: 21);

    [Fact]
    public async Task Pieces_a_holder_sent_before_it_left_are_kept_though_the_end_arrives_with_them()
    {
        var (result, leaver, lost) = await DownloadWhileOneHolderLeavesAsync(sayBye: false);

        Assert.Equal(LeaverSends, result.PiecesByPeer.GetValueOrDefault(leaver));
        Assert.Equal(1, lost); // without a goodbye the end is a fault: dialled again
    }

    [Fact]
    public async Task A_holder_that_says_bye_after_its_last_pieces_is_no_fault_and_its_pieces_are_kept()
    {
        var (result, leaver, lost) = await DownloadWhileOneHolderLeavesAsync(sayBye: true);

        Assert.Equal(LeaverSends, result.PiecesByPeer.GetValueOrDefault(leaver));
        Assert.Equal(0, lost); // nothing to warn of
        Assert.Empty(result.DroppedPeers);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_holder_that_says_bye_before_any_manifest_has_left_quietly_and_is_looked_for_again_now_and_then(bool insteadOfWelcome)
    {
        // A server leaving just as we connect says bye at once. The download fails after the holder wait,
        // quietly, naming why; it took the goodbye for a fault before (a warning, and a redial every backoff).
        // The holder is looked for again after the longest backoff, in case it restarts.
        var manifest = StorageTestFolder.ManifestOf(Content, TestSeeder.PieceLength);
        await using var leaving = new LeavingHolder(insteadOfWelcome); // a tester saw the bye in place of welcome called 'could not connect' and redialled as a fault
        var options = new PeerOptions
        {
            BindAddress = IPAddress.Loopback,
            StatePersistInterval = TimeSpan.Zero,
            HolderWait = TimeSpan.FromSeconds(2),
            HolderRetryInitialDelay = TimeSpan.FromMilliseconds(50),
            HolderRetryMaxDelay = TimeSpan.FromMilliseconds(600),
        };
        using var folder = new StorageTestFolder();
        var session = new DownloadSession(manifest.Id, "file.bin", Content.Length, [leaving.Entry], folder.Open(TestSeeder.PieceLength), options, 0, NullLogger.Instance);
        int lost = 0;
        session.PeerLost += (_, _) => Interlocked.Increment(ref lost);

        var result = await session.RunAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Failed, result.Outcome);
        var (_, drop) = Assert.Single(result.Failure!.Tried);
        Assert.Equal(HolderDropKind.Left, drop.Kind);
        Assert.Equal(0, lost);
        Assert.Empty(result.DroppedPeers);
        // Dialled at 0, then about every 600 ms (4 times in 2 s, more on a slow machine), not every 50-400 ms as after a fault (10 or more).
        Assert.InRange(leaving.Connections, 2, 6);
        Assert.Contains("it stopped serving and left", DownloadText.Reason(result)!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_ended_by_a_stray_cancellation_still_counts_as_closed_so_the_holder_wait_runs_out()
    {
        // A wait on a connection that the connection's close cancelled is not the download's stop. The
        // swarm once left such a holder counted as connected: the download waited forever.
        await using var holder = new LeavingHolder();
        var options = new PeerOptions { BindAddress = IPAddress.Loopback, HolderWait = TimeSpan.FromSeconds(1) };
        var swarm = new HolderSwarm("file.bin", [holder.Entry], options, 0, NullLogger.Instance, null);
        using var stop = new CancellationTokenSource();

        var running = swarm.RunAsync((_, _, _) => throw new OperationCanceledException(), stop.Token);

        Assert.Equal(SwarmEnd.Unreachable, await swarm.Ended.WaitAsync(Deadline));
        await stop.CancelAsync();
        await running.WaitAsync(Deadline);
    }

    // Our own requests in flight to the leaver, less the first, which it leaves unanswered.
    private static int LeaverSends => new PeerOptions().RequestsInFlightPerPeer - 1;

    private static async Task<(DownloadResult Result, HolderAddress Leaver, int Lost)> DownloadWhileOneHolderLeavesAsync(bool sayBye)
    {
        var manifest = StorageTestFolder.ManifestOf(Content, TestSeeder.PieceLength);
        var leaverGone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The other holder serves only once the leaver has gone, so nothing the leaver sent is a duplicate.
        await using var seeder = await TestSeeder.StartAsync(Content, beforeServing: ct => leaverGone.Task.WaitAsync(ct));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var options = new PeerOptions { BindAddress = IPAddress.Loopback, StatePersistInterval = TimeSpan.Zero };
            var leaver = new HolderEntry("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, null);
            using var folder = new StorageTestFolder();
            var session = new DownloadSession(manifest.Id, "file.bin", Content.Length, [leaver, seeder.Entry()], folder.Open(TestSeeder.PieceLength), options, 0, NullLogger.Instance);
            int lost = 0;
            session.PeerLost += (_, _) => Interlocked.Increment(ref lost);
            var download = session.RunAsync(CancellationToken.None);

            await AnswerAllButTheFirstAndLeaveAsync(listener, manifest, options.RequestsInFlightPerPeer, sayBye).WaitAsync(Deadline);
            leaverGone.SetResult();
            var result = await download.WaitAsync(Deadline);

            Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
            Assert.Equal(Content, File.ReadAllBytes(result.FinalPath!));
            return (result, new HolderAddress("127.0.0.1", leaver.Port), Volatile.Read(ref lost));
        }
        finally
        {
            listener.Stop();
        }
    }

    // Takes `requests` piece requests, answers every one but the first in a burst (then bye, if asked), shuts its
    // sending side and reads until the fetcher closes: the fetcher reads the pieces and the end together, and
    // the first request fails while the others' replies are waiting to be handled.
    private static async Task AnswerAllButTheFirstAndLeaveAsync(TcpListener listener, Manifest manifest, int requests, bool sayBye)
    {
        using var tcp = await listener.AcceptTcpClientAsync();
        using var channel = new MessageChannel(tcp.GetStream());
        var greeted = await Handshake.AcceptAsync(channel, PeerRole.Fetcher, "127.0.0.1", null, null, Deadline, CancellationToken.None);
        Assert.NotNull(greeted.Hello);
        var asked = new List<GetPiece>();
        while (asked.Count < requests)
        {
            using var incoming = await channel.ReceiveAsync(Deadline) ?? throw new IOException("the fetcher closed");
            if (incoming.Message is GetManifest wanted)
                await channel.ReplyAsync(wanted, new ManifestReply(wanted.File), manifest.ToBytes());
            else if (incoming.Message is GetPiece piece)
                asked.Add(piece);
        }
        foreach (var piece in asked.Skip(1))
            await channel.ReplyAsync(piece, new PieceReply(piece.File, piece.Piece), StorageTestFolder.Piece(Content, manifest, piece.Piece).ToArray());
        if (sayBye)
            await channel.SendAsync(new Bye());
        tcp.Client.Shutdown(SocketShutdown.Send);
        try
        {
            while (await channel.ReceiveAsync(Deadline) is { } more)
                more.Dispose();
        }
        catch (IOException)
        {
            // The fetcher closed with a request of its own unread: the end all the same.
        }
    }
}
