using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Network;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// The sanity test the users asked for: a tracker and three peers on 127.0.0.1; two hold files, the
/// third downloads them all.
/// </summary>
public sealed class ThreePeerSanityTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Third_peer_downloads_large_tiny_and_empty_files_from_two_holders_byte_for_byte()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var large = TestFiles.Random(6 * 1024 * 1024 + 12345, seed: 1);
        var tiny = "hello from P2PShare\n"u8.ToArray();
        var a = net.Options("a");
        var b = net.Options("b");
        foreach (var repo in new[] { a.RepositoryPath!, b.RepositoryPath! })
        {
            TestFiles.Write(repo, "large.bin", large);
            TestFiles.Write(repo, "tiny.txt", tiny);
            TestFiles.Write(repo, "empty.dat", []);
        }
        await net.StartPeerAsync(a);
        await net.StartPeerAsync(b);
        var downloader = await net.StartPeerAsync(net.Options("c"));

        var files = await downloader.ListAsync(CancellationToken.None);
        Assert.Equal(["empty.dat", "large.bin", "tiny.txt"], files.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.Equal(2, f.CompleteHolders));

        foreach (var name in new[] { "large.bin", "tiny.txt", "empty.dat" })
        {
            var download = await downloader.RequestAsync(name, CancellationToken.None);
            var result = await download.Completion.WaitAsync(Deadline);
            Assert.True(result.Outcome == DownloadOutcome.Completed, $"{name}: {result.Outcome} {DownloadText.Reason(result)}");
            Assert.Equal(Path.Combine(downloader.Repository.Root, name), result.FinalPath);
        }

        Assert.Equal(large, File.ReadAllBytes(Path.Combine(downloader.Repository.Root, "large.bin")));
        Assert.Equal(tiny, File.ReadAllBytes(Path.Combine(downloader.Repository.Root, "tiny.txt")));
        Assert.Empty(File.ReadAllBytes(Path.Combine(downloader.Repository.Root, "empty.dat")));
    }

    [Fact]
    public async Task Large_file_pieces_come_from_both_holders_and_the_result_names_them()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var large = TestFiles.Random(8 * 1024 * 1024, seed: 2);
        var a = net.Options("a");
        var b = net.Options("b");
        TestFiles.Write(a.RepositoryPath!, "large.bin", large);
        TestFiles.Write(b.RepositoryPath!, "large.bin", large);
        // Each holder serves at 4 MB/s, so the download lasts long enough for both to be connected; unthrottled on a
        // loaded machine the first one could send all 128 pieces before the second is dialled.
        var slow = new PeerParts { ServeThrough = ThrottledPieces.Wrap(4_000_000) };
        var holderA = await net.StartPeerAsync(a, parts: slow);
        var holderB = await net.StartPeerAsync(b, parts: slow);
        var downloader = await net.StartPeerAsync(net.Options("c"));

        var result = await (await downloader.RequestAsync("large.bin", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Completed, result.Outcome);
        Assert.Equal(large, File.ReadAllBytes(result.FinalPath!));
        Assert.Equal(128, result.PiecesByPeer.Values.Sum());
        var endpointA = new HolderAddress("127.0.0.1", holderA.ServingEndPoint.Port);
        var endpointB = new HolderAddress("127.0.0.1", holderB.ServingEndPoint.Port);
        Assert.True(result.PiecesByPeer.GetValueOrDefault(endpointA) > 0, $"no pieces from {endpointA}: {string.Join(", ", result.PiecesByPeer)}");
        Assert.True(result.PiecesByPeer.GetValueOrDefault(endpointB) > 0, $"no pieces from {endpointB}: {string.Join(", ", result.PiecesByPeer)}");
        string summary = P2PShare.Peer.Commands.Report.Result(result);
        Assert.Contains(endpointA.ToString(), summary, StringComparison.Ordinal);
        Assert.Contains(endpointB.ToString(), summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_different_files_sharing_a_name_are_told_apart_and_both_kept()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var first = TestFiles.Random(300_000, seed: 3);
        var second = TestFiles.Random(200_000, seed: 4);
        var a = net.Options("a");
        var b = net.Options("b");
        TestFiles.Write(a.RepositoryPath!, "report.txt", first);
        TestFiles.Write(b.RepositoryPath!, "report.txt", second);
        await net.StartPeerAsync(a);
        await net.StartPeerAsync(b);
        var downloader = await net.StartPeerAsync(net.Options("c"));

        var files = (await downloader.ListAsync(CancellationToken.None)).Where(f => f.Name == "report.txt").ToList();
        Assert.Equal(2, files.Count);
        Assert.NotEqual(files[0].Id, files[1].Id);

        var ambiguous = await Assert.ThrowsAsync<PeerCommandException>(() => downloader.RequestAsync("report.txt", CancellationToken.None));
        Assert.Contains("2 different files", FailureText.Of(ambiguous), StringComparison.Ordinal);

        var paths = new List<string>();
        foreach (var file in files)
        {
            var result = await (await downloader.RequestAsync(file.Id.ShortText, CancellationToken.None)).Completion.WaitAsync(Deadline);
            Assert.Equal(DownloadOutcome.Completed, result.Outcome);
            paths.Add(result.FinalPath!);
        }
        Assert.Equal(2, paths.Distinct().Count());
        var contents = paths.Select(File.ReadAllBytes).ToList();
        Assert.Contains(contents, c => c.AsSpan().SequenceEqual(first));
        Assert.Contains(contents, c => c.AsSpan().SequenceEqual(second));
    }

    [Fact]
    public async Task Stop_mid_download_then_request_again_fetches_only_the_missing_pieces()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var large = TestFiles.Random(16 * 1024 * 1024, seed: 5);
        var a = net.Options("a");
        var b = net.Options("b");
        TestFiles.Write(a.RepositoryPath!, "large.bin", large);
        TestFiles.Write(b.RepositoryPath!, "large.bin", large);
        await net.StartPeerAsync(a);
        await net.StartPeerAsync(b);
        var downloader = await net.StartPeerAsync(net.Options("c") with { RequestsInFlightPerPeer = 1 });

        var download = await downloader.RequestAsync("large.bin", CancellationToken.None);
        int seen = 0;
        download.Session.PieceVerified += (_, _) =>
        {
            if (Interlocked.Increment(ref seen) == 20)
                _ = download.StopAsync();
        };
        var stopped = await download.Completion.WaitAsync(Deadline);
        Assert.Equal(DownloadOutcome.Stopped, stopped.Outcome);
        Assert.False(File.Exists(Path.Combine(downloader.Repository.Root, "large.bin")));
        Assert.True(downloader.Repository.TryGet(Manifest.Parse(ManifestOf(a.RepositoryPath!, "large.bin")).Id, out var partial));
        int verifiedAtStop = partial!.VerifiedCount;
        Assert.InRange(verifiedAtStop, 20, 255);

        var resumed = await (await downloader.RequestAsync("large.bin", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Completed, resumed.Outcome);
        Assert.Equal(verifiedAtStop, resumed.ResumedPieces);
        Assert.Equal(256 - verifiedAtStop, resumed.PiecesByPeer.Values.Sum());
        Assert.Equal(large, File.ReadAllBytes(resumed.FinalPath!));
    }

    [Fact]
    public async Task A_request_for_a_piece_the_peer_lacks_gets_not_found()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var a = net.Options("a");
        TestFiles.Write(a.RepositoryPath!, "small.bin", TestFiles.Random(100_000, seed: 6));
        var holder = await net.StartPeerAsync(a);
        var held = holder.Repository.Files.Single();

        await using var link = await PeerLink.ConnectAsync("127.0.0.1", holder.ServingEndPoint.Port, 0, new PeerOptions(), CancellationToken.None);
        var unknownFile = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(FileId.OfManifestBytes([1, 2, 3]), 0, CancellationToken.None));
        Assert.Equal(ErrorCodes.NotFound, unknownFile.Code);
        var pastTheEnd = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(held.Id, held.Manifest.PieceCount, CancellationToken.None));
        Assert.Equal(ErrorCodes.NotFound, pastTheEnd.Code);
        using var piece = await link.GetPieceAsync(held.Id, 0, CancellationToken.None);
        Assert.True(held.Manifest.Verify(0, piece.Payload.Span));
    }

    private static byte[] ManifestOf(string folder, string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, name));
        int pieceLength = 64 * 1024;
        int count = Manifest.CountPieces(bytes.Length, pieceLength);
        var hashes = new byte[count * 32];
        for (int i = 0; i < count; i++)
            System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(i * pieceLength, Manifest.PieceSize(bytes.Length, pieceLength, i)), hashes.AsSpan(i * 32));
        return Manifest.Create(bytes.Length, pieceLength, hashes).ToBytes();
    }
}
