using P2PShare.Peer.Network;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.EndToEnd.Tests;

/// <summary>A peer that starts again on the same repository reuses cached manifests only for files that did not change.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task File_changed_between_runs_is_rehashed_and_never_served_under_its_old_manifest()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var options = net.Options("repo");
        var original = TestFiles.Random(300_000, seed: 41);
        string path = TestFiles.Write(options.RepositoryPath!, "doc.bin", original);
        var first = await net.StartPeerAsync(options);
        var oldId = first.Repository.Files.Single().Id;
        await first.DisposeAsync();

        // Same size, different content, a later modification time: the cached manifest must not be trusted.
        var changed = TestFiles.Random(original.Length, seed: 42);
        var mtime = File.GetLastWriteTimeUtc(path);
        File.WriteAllBytes(path, changed);
        File.SetLastWriteTimeUtc(path, mtime.AddSeconds(5));
        var second = await net.StartPeerAsync(options);
        var served = second.Repository.Files.Single();
        Assert.NotEqual(oldId, served.Id);

        await using var link = await PeerLink.ConnectAsync("127.0.0.1", second.ServingEndPoint.Port, 0, options, CancellationToken.None);
        var stale = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetManifestAsync(oldId, CancellationToken.None));
        Assert.Equal(ErrorCodes.NotFound, stale.Code);
        var stalePiece = await Assert.ThrowsAsync<RemoteErrorException>(() => link.GetPieceAsync(oldId, 0, CancellationToken.None));
        Assert.Equal(ErrorCodes.NotFound, stalePiece.Code);
        var manifest = await link.GetManifestAsync(served.Id, CancellationToken.None);
        for (int piece = 0; piece < manifest.PieceCount; piece++)
        {
            using var reply = await link.GetPieceAsync(served.Id, piece, CancellationToken.None);
            Assert.True(manifest.Verify(piece, reply.Payload.Span), $"piece {piece} does not match the manifest it is served under");
        }
        var listed = await second.ListAsync(CancellationToken.None);
        Assert.Equal([served.Id], listed.Select(f => f.Id));
    }
}
