using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A whole download with a shared secret, with a machine in the middle of the piece connection:
/// a recorder that must see no file bytes, an injector whose flipped byte must cost one reconnect
/// and nothing else, a TLS relay that must get nothing through. In this process, on 127.0.0.1.
/// </summary>
public sealed class SecureTransferTests
{
    private const string FileName = "secret.bin";
    private const int PieceLength = 64 * 1024;
    private const int Pieces = 16;
    private const int Run = 64;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly SharedSecret Secret = new("secure transfer tests secret");
    private static readonly byte[] Content = TestFiles.Random(Pieces * PieceLength, seed: 15);

    [Fact]
    public async Task A_recording_of_a_whole_transfer_with_a_secret_holds_no_64_byte_run_of_the_file()
    {
        var (_, arrived, recorded, _) = await DownloadThroughTapAsync(Secret, flipAt: null);

        Assert.Equal(Content, arrived);
        Assert.True(recorded.Length > Content.Length, "the whole transfer passed the recorder");
        Assert.False(HoldsAnyRunOfContent(recorded), "a 64-byte run of the file travelled in clear");
    }

    [Fact]
    public async Task Without_a_secret_the_same_recording_shows_the_file_so_the_recorder_does_see_it()
    {
        var (_, _, recorded, _) = await DownloadThroughTapAsync(null, flipAt: null);

        Assert.True(HoldsAnyRunOfContent(recorded)); // open sharing is unchanged: plain TCP
    }

    [Fact]
    public async Task One_byte_flipped_in_the_encrypted_stream_ends_the_connection_and_the_file_still_arrives_identical()
    {
        // Well inside the piece data (past the TLS and secret handshakes, a few hundred bytes each).
        var (result, arrived, _, connections) = await DownloadThroughTapAsync(Secret, flipAt: 5 * PieceLength + 123);

        Assert.Equal(Content, arrived);
        Assert.True(connections >= 2, "the broken connection was ended and the holder dialled again");
        Assert.Equal(Pieces, result.PiecesByPeer.Values.Sum());
    }

    [Fact]
    public async Task A_tls_relay_between_downloader_and_holder_gets_nothing_through_and_the_download_fails()
    {
        using var seederFolder = new TempFolder();
        await using var seeder = await StartSeederAsync(seederFolder, Secret);
        await using var relay = await TlsRelay.StartAsync("127.0.0.1", seeder.ServingEndPoint.Port);
        using var folder = new TempFolder();
        await using var tracker = new FakeTracker(SharedFile(), [new HolderEntry("127.0.0.1", relay.Port, null)], Secret);
        await using var downloader = await StartDownloaderAsync(folder, tracker, TimeSpan.FromSeconds(3), Secret);

        var download = await downloader.RequestAsync(FileName, CancellationToken.None).WaitAsync(Deadline);
        var result = await download.Completion.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Failed, result.Outcome);
        Assert.InRange(relay.Relayed, 0, PieceLength - 1); // a refused hello and proof at most, never a piece
        Assert.False(File.Exists(Path.Combine(folder.Sub("downloader"), FileName)));
    }

    private static async Task<(DownloadResult Result, byte[] Arrived, byte[] Recorded, int Connections)> DownloadThroughTapAsync(SharedSecret? secret, long? flipAt)
    {
        using var seederFolder = new TempFolder();
        await using var seeder = await StartSeederAsync(seederFolder, secret);
        await using var tap = TcpTap.Start(new IPEndPoint(IPAddress.Loopback, seeder.ServingEndPoint.Port));
        if (flipAt is { } offset)
            tap.FlipServerByteAt(offset);
        using var folder = new TempFolder();
        await using var tracker = new FakeTracker(SharedFile(), [new HolderEntry("127.0.0.1", tap.Port, null)], secret);
        await using var downloader = await StartDownloaderAsync(folder, tracker, TimeSpan.FromSeconds(30), secret);

        var download = await downloader.RequestAsync(FileName, CancellationToken.None).WaitAsync(Deadline);
        var result = await download.Completion.WaitAsync(Deadline);

        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        if (flipAt is not null)
            Assert.True(tap.Flipped, "the injector flipped its byte");
        return (result, File.ReadAllBytes(result.FinalPath!), tap.Recorded(), tap.Connections);
    }

    private static async Task<PeerNode> StartSeederAsync(TempFolder folder, SharedSecret? secret)
    {
        string repository = folder.Sub("seeder");
        TestFiles.Write(repository, FileName, Content);
        var node = new PeerNode(new PeerOptions { Port = 0, BindAddress = IPAddress.Loopback, RepositoryPath = repository, PieceLength = PieceLength, Secret = secret }, NullLoggerFactory.Instance);
        await node.StartServingAsync(CancellationToken.None).WaitAsync(Deadline);
        return node;
    }

    private static async Task<PeerNode> StartDownloaderAsync(TempFolder folder, FakeTracker tracker, TimeSpan holderWait, SharedSecret? secret)
    {
        var options = new PeerOptions
        {
            BindAddress = IPAddress.Loopback,
            RepositoryPath = folder.Sub("downloader"),
            PieceLength = PieceLength,
            Secret = secret,
            HolderWait = holderWait,
            HolderRetryInitialDelay = TimeSpan.FromMilliseconds(50),
        };
        var node = new PeerNode(options, NullLoggerFactory.Instance);
        await node.StartServingAsync(CancellationToken.None).WaitAsync(Deadline);
        await node.JoinAsync(tracker.Address, CancellationToken.None).WaitAsync(Deadline);
        return node;
    }

    private static NetworkFile SharedFile()
    {
        byte[] hashes = [.. Enumerable.Range(0, Pieces).SelectMany(i => SHA256.HashData(Content.AsSpan(i * PieceLength, PieceLength)))];
        var manifest = Manifest.Create(Content.Length, PieceLength, hashes);
        return new NetworkFile(manifest.Id, FileName, Content.Length, PieceLength, 1, 0);
    }

    // Any 64-byte run of the file holds a whole 32-byte-aligned block of it: look for those anywhere in the recording.
    private static bool HoldsAnyRunOfContent(byte[] recorded)
    {
        const int Block = Run / 2;
        var blocks = new HashSet<string>(Enumerable.Range(0, Content.Length / Block).Select(i => Convert.ToHexString(Content, i * Block, Block)));
        for (int at = 0; at + Block <= recorded.Length; at++)
        {
            if (blocks.Contains(Convert.ToHexString(recorded, at, Block)))
                return true;
        }
        return false;
    }
}
