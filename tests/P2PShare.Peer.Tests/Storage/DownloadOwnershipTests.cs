using System.Security.Cryptography;
using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>
/// One owner per download (its lock file), and no disk space taken for pieces that never arrived.
/// Two repositories on one folder stand for two processes: the lock is an flock, held per open file.
/// </summary>
public sealed class DownloadOwnershipTests : IDisposable
{
    private const int PieceLength = 1024;
    private readonly StorageTestFolder _folder = new();
    private readonly byte[] _data = StorageTestFolder.Bytes(10 * PieceLength + 300, 43);
    private readonly Manifest _manifest;

    public DownloadOwnershipTests() => _manifest = StorageTestFolder.ManifestOf(_data, PieceLength);

    public void Dispose() => _folder.Dispose();

    private ReadOnlySpan<byte> Piece(int index) => StorageTestFolder.Piece(_data, _manifest, index);

    [Fact]
    public async Task A_download_another_process_has_open_is_refused_plainly_left_alone_by_its_scan_and_taken_over_once_released()
    {
        var owner = _folder.Open();
        var file = owner.OpenDownload(_manifest, "movie.bin");
        file.WritePiece(2, Piece(2));
        var stateBefore = File.ReadAllBytes(Path.Combine(_folder.DownloadsFolder, _manifest.Id + ".state"));

        using var other = _folder.Open();
        var refused = Assert.Throws<StorageException>(() => other.OpenDownload(_manifest, "movie.bin"));
        Assert.Contains("another process has the download of 'movie.bin'", refused.Message, StringComparison.Ordinal);
        Assert.True(refused.InUseElsewhere);
        Assert.Empty(await other.ScanAsync(CancellationToken.None)); // neither listed, served, rewritten nor removed
        Assert.Equal(stateBefore, File.ReadAllBytes(Path.Combine(_folder.DownloadsFolder, _manifest.Id + ".state")));
        Assert.Equal(PieceWriteResult.Written, file.WritePiece(3, Piece(3)));

        owner.Dispose(); // what the OS does for a process that exits or is killed
        var taken = other.OpenDownload(_manifest, "movie.bin");
        Assert.Equal([2, 3], taken.Snapshot().Indices());
        for (int piece = 0; piece < _manifest.PieceCount; piece++)
            taken.WritePiece(piece, Piece(piece));
        Assert.Equal(_data, File.ReadAllBytes(taken.Complete().Path));
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder)); // the lock file goes too
    }

    [Fact]
    public void A_new_download_reserves_its_whole_length_up_front_and_one_that_ends_empty_leaves_nothing()
    {
        // A manifest that claims 64 MiB, of which only the first piece is known here.
        const long claimed = 64L << 20;
        const int pieceLength = 1 << 20;
        var first = StorageTestFolder.Bytes(pieceLength, 44);
        var hashes = RandomNumberGenerator.GetBytes((int)(claimed / pieceLength) * Manifest.HashLength);
        SHA256.HashData(first, hashes.AsSpan(0, Manifest.HashLength));
        var manifest = Manifest.Create(claimed, pieceLength, hashes);
        string part = Path.Combine(_folder.DownloadsFolder, manifest.Id + ".part");
        using var repository = _folder.Open();

        repository.OpenDownload(manifest, "huge.bin");

        // Reserved whole, so a disk that fills later can refuse only the small state file, never a piece.
        Assert.Equal(claimed, new FileInfo(part).Length);
        if (FileStamp.AllocatedBytes(part) is long allocated)
            Assert.InRange(allocated, claimed, claimed + (1 << 20));
        Assert.True(repository.ReleaseIfEmpty(manifest.Id));
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
        Assert.Empty(repository.Files);

        // With one verified piece it is kept, and a resume keeps its piece and its reservation.
        var again = repository.OpenDownload(manifest, "huge.bin");
        Assert.Equal(PieceWriteResult.Written, again.WritePiece(0, first));
        Assert.False(repository.ReleaseIfEmpty(manifest.Id));
        again.Dispose();
        var resumed = repository.OpenDownload(manifest, "huge.bin");
        Assert.Equal([0], resumed.Snapshot().Indices());
        Assert.Equal(claimed, new FileInfo(part).Length);
    }
}
