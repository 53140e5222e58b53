using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Tests.Network;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary>A seeder that answers <c>elsewhere</c> (it just sent the pieces to another downloader) is a normal answer, not a fault.</summary>
public sealed class ElsewhereTests
{
    private const int Pieces = 20;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly byte[] Content = StorageTestFolder.Bytes(Pieces * TestSeeder.PieceLength, seed: 12);

    [Fact]
    public async Task A_download_whose_only_seeder_answers_elsewhere_keeps_that_seeder_and_completes()
    {
        await using var seeder = await TestSeeder.StartAsync(Content);
        var manifest = StorageTestFolder.ManifestOf(Content, TestSeeder.PieceLength);
        // Another downloader takes every piece first and stays, so the seeder answers our deferrable requests
        // "elsewhere" until its memory of those sends passes.
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, seeder.Port).WaitAsync(Deadline);
        using var other = await TestPieceServer.GreetAsync(tcp);
        for (int piece = 0; piece < Pieces; piece++)
        {
            await other.SendAsync(new GetPiece(manifest.Id, piece) { RequestId = piece + 1 }).WaitAsync(Deadline);
            using var reply = await other.ReceiveAsync(Deadline) ?? throw new IOException("closed");
            Assert.IsType<PieceReply>(reply.Message);
        }
        using var folder = new StorageTestFolder();
        var options = new PeerOptions { BindAddress = IPAddress.Loopback, StatePersistInterval = TimeSpan.Zero, ElsewhereDeferral = TimeSpan.FromMilliseconds(200) };
        var session = new DownloadSession(manifest.Id, "file.bin", Content.Length, [seeder.Entry()], folder.Open(TestSeeder.PieceLength), options, 0, NullLogger.Instance);
        int lost = 0;
        session.PeerLost += (_, _) => Interlocked.Increment(ref lost);

        var result = await session.RunAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.Equal(Content, File.ReadAllBytes(result.FinalPath!));
        Assert.Equal(0, lost); // "elsewhere" is no fault: the seeder was never dropped and dialled again
        Assert.Empty(result.DroppedPeers);
    }

    [Fact]
    public async Task A_seeder_that_answers_elsewhere_to_a_request_without_defer_is_dropped_not_asked_forever()
    {
        await using var liar = await TestSeeder.StartAsync(Content, 0, ElsewhereLiar.Wrap, NullLogger.Instance);
        var manifest = StorageTestFolder.ManifestOf(Content, TestSeeder.PieceLength);
        using var folder = new StorageTestFolder();
        var options = new PeerOptions { BindAddress = IPAddress.Loopback, StatePersistInterval = TimeSpan.Zero, HolderWait = TimeSpan.FromSeconds(2) };
        var session = new DownloadSession(manifest.Id, "file.bin", Content.Length, [liar.Entry()], folder.Open(TestSeeder.PieceLength), options, 0, NullLogger.Instance);

        var result = await session.RunAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.NotEqual(DownloadOutcome.Completed, result.Outcome);
        Assert.Contains(result.DroppedPeers, d => d.Value.Detail?.Contains("'elsewhere'", StringComparison.Ordinal) == true);
    }
}
