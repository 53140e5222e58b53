using System.Net;
using System.Net.Sockets;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A request by name asks the tracker for that name only (issue 11, hole 6): it downloads even
/// from a tracker whose whole list cannot be had.
/// </summary>
public sealed class NamedRequestTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Joining_for_get_and_requesting_by_name_never_ask_for_the_whole_list()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync(); // only for the peers' default address: they are sent to the stub below
        var content = TestFiles.Random(200_000, seed: 5);
        var seederOptions = net.Options("seeder");
        TestFiles.Write(seederOptions.RepositoryPath!, "wanted.bin", content);
        var seeder = await net.StartPeerAsync(seederOptions, join: false);
        var file = seeder.Repository.Files.Single();
        var entry = new NetworkFile(file.Id, "wanted.bin", file.Manifest.Length, file.Manifest.PieceLength, 1, 0);
        var holders = new Holders(file.Id, "wanted.bin", file.Manifest.Length, file.Manifest.PieceLength, [new HolderEntry("127.0.0.1", seeder.ServingEndPoint.Port, null)]);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var wholeListAsked = 0;
        // The whole list fails, as it did when one client had flooded it.
        Message WholeList()
        {
            Interlocked.Increment(ref wholeListAsked);
            return new ErrorReply(ErrorCodes.Failed, "the 'files' reply is too large to send");
        }
        var tracker = ServeOneAsync(listener, request => request switch
        {
            ListFiles { Name: null } => WholeList(),
            ListFiles { Name: "wanted.bin" } => new FileList([entry]),
            ListFiles => new FileList([]),
            WhoHas => holders,
            Announce => new Ok(),
            _ => null,
        });
        var downloader = await net.StartPeerAsync(net.Options("downloader"), join: false);

        await downloader.JoinAsync($"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}", CancellationToken.None, listFiles: false).WaitAsync(Deadline);
        var download = await downloader.RequestAsync("wanted.bin", CancellationToken.None).WaitAsync(Deadline);
        var result = await download.Completion.WaitAsync(Deadline);

        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.Equal(content, File.ReadAllBytes(result.FinalPath!));
        Assert.Equal(0, Volatile.Read(ref wholeListAsked));
        await downloader.DisposeAsync();
        await tracker.WaitAsync(Deadline);
    }

    // A tracker for one peer, answering each request with what `answer` gives (null: no reply).
    private static async Task ServeOneAsync(TcpListener listener, Func<Message, Message?> answer)
    {
        using var tcp = await listener.AcceptTcpClientAsync().WaitAsync(Deadline);
        using var channel = new MessageChannel(tcp.GetStream());
        if ((await Handshake.AcceptAsync(channel, PeerRole.Peer, "127.0.0.1", null, null, Deadline, CancellationToken.None)).Hello is null)
            return;
        try
        {
            await channel.RunAsync(async (incoming, ct) =>
            {
                using (incoming)
                {
                    if (incoming.Message.RequestId != 0 && answer(incoming.Message) is { } reply)
                        await channel.ReplyAsync(incoming.Message, reply, default, ct);
                }
            }, Timeout.InfiniteTimeSpan);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or ProtocolException)
        {
            // The peer left.
        }
    }
}
