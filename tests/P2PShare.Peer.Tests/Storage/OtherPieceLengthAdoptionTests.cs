using P2PShare.Peer.Storage;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>
/// A file our scan shares under its own piece length is recognised as the network's content, which
/// names it by another piece length: held under the network's id, not fetched again.
/// </summary>
public sealed class OtherPieceLengthAdoptionTests : IDisposable
{
    private const int OwnPieceLength = 16 * 1024, NetworkPieceLength = 64 * 1024;
    private readonly StorageTestFolder _folder = new();
    private readonly byte[] _data = StorageTestFolder.Bytes(200_000, seed: 3);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_scanned_file_hashed_in_our_own_pieces_is_recognised_as_the_networks_content_and_keeps_that_id()
    {
        _folder.Write(Path.Combine("dir", "a.bin"), _data);
        var network = StorageTestFolder.ManifestOf(_data, NetworkPieceLength);
        var repository = _folder.Open(OwnPieceLength);
        await repository.ScanAsync(CancellationToken.None);
        Assert.NotEqual(network.Id, Assert.Single(repository.Files).Id);

        Assert.True(await repository.AdoptAsync("dir/a.bin", network.Id, network.Length, NetworkPieceLength, CancellationToken.None));

        var held = Assert.Single(repository.Files);
        Assert.Equal((network.Id, "dir/a.bin", true), (held.Id, held.Name, held.IsComplete));
        await repository.ScanAsync(CancellationToken.None); // the manifest cache keeps the network's id
        Assert.Equal(network.Id, Assert.Single(repository.Files).Id);
        repository.Dispose();
        var reopened = _folder.Open(OwnPieceLength);
        await reopened.ScanAsync(CancellationToken.None);
        Assert.Equal(network.Id, Assert.Single(reopened.Files).Id);
    }

    [Fact]
    public async Task Other_content_of_the_same_length_is_not_adopted_and_keeps_its_own_id()
    {
        _folder.Write(Path.Combine("dir", "a.bin"), _data);
        var other = StorageTestFolder.ManifestOf(StorageTestFolder.Bytes(_data.Length, seed: 4), NetworkPieceLength);
        var repository = _folder.Open(OwnPieceLength);
        await repository.ScanAsync(CancellationToken.None);
        var own = Assert.Single(repository.Files).Id;

        Assert.False(await repository.AdoptAsync("dir/a.bin", other.Id, other.Length, NetworkPieceLength, CancellationToken.None));

        Assert.Equal(own, Assert.Single(repository.Files).Id);
        await repository.ScanAsync(CancellationToken.None);
        Assert.Equal(own, Assert.Single(repository.Files).Id);
    }
}
