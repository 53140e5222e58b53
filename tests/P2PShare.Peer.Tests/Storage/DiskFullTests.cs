using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Storage;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>
/// A disk that fills up mid-download, through the storage layer's write seam: the write that hits
/// the full disk fails with a message naming the file and the cause, and what was verified before
/// stays recorded and intact for a later resume.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private const int PieceLength = 1024;
    private readonly StorageTestFolder _folder = new();
    private readonly byte[] _data = StorageTestFolder.Bytes(8 * PieceLength + 100, 7);
    private readonly Manifest _manifest;
    private volatile bool _full;

    public DiskFullTests() => _manifest = StorageTestFolder.ManifestOf(_data, PieceLength);

    public void Dispose() => _folder.Dispose();

    /// <summary>What the OS raises for a full disk: ENOSPC on Unix, ERROR_DISK_FULL on Windows.</summary>
    public static IOException DiskFull() =>
        new("No space left on device", OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28);

    [Theory]
    [InlineData(".part")]  // the piece's data cannot be written
    [InlineData(".state")] // the data is written, but the state recording it cannot be
    public async Task A_full_disk_fails_the_piece_clearly_and_keeps_every_piece_verified_before(string failingFile)
    {
        using (var repository = new Repository(_folder.Root, NullLogger.Instance, null, TimeSpan.Zero, path =>
               {
                   if (_full && path.EndsWith(failingFile, StringComparison.Ordinal))
                       throw DiskFull();
               }))
        {
            var file = repository.OpenDownload(_manifest, "movie.bin");
            foreach (int piece in new[] { 0, 1, 5 })
                Assert.Equal(PieceWriteResult.Written, file.WritePiece(piece, Piece(piece)));
            _full = true;

            var error = Assert.Throws<StorageException>(() => file.WritePiece(2, Piece(2)));

            Assert.True(error.IsDiskFull);
            Assert.Contains("'movie.bin'", error.Message, StringComparison.Ordinal);
            Assert.Contains("the disk is full (No space left on device)", error.Message, StringComparison.Ordinal);
            Assert.Equal([0, 1, 5], file.Snapshot().Indices());
            Assert.False(file.Has(2));
        }

        _full = false;
        using var restarted = _folder.Open();
        var resumed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));
        // With the state refused, piece 2's bytes did reach the .part: the reopen finds and hashes them.
        Assert.Equal(failingFile == ".state" ? [0, 1, 2, 5] : [0, 1, 5], resumed.Snapshot().Indices());
        for (int piece = 0; piece < _manifest.PieceCount; piece++)
            resumed.WritePiece(piece, Piece(piece));
        Assert.Equal(_data, File.ReadAllBytes(resumed.Complete().Path));
    }

    [Fact]
    public async Task With_batched_state_a_full_disk_fails_the_next_piece_and_counts_only_what_the_state_on_disk_claims()
    {
        using (var repository = new Repository(_folder.Root, NullLogger.Instance, null, TimeSpan.FromMilliseconds(20), path =>
               {
                   if (_full && path.EndsWith(".state", StringComparison.Ordinal))
                       throw DiskFull();
               }))
        {
            var file = repository.OpenDownload(_manifest, "movie.bin");
            _full = true;
            foreach (int piece in new[] { 0, 1 })
                Assert.Equal(PieceWriteResult.Written, file.WritePiece(piece, Piece(piece)));

            // The delayed rewrite fails in the background; the next write must say so, not run on unrecorded.
            StorageException? error = null;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (error is null)
            {
                try
                {
                    Assert.Equal(PieceWriteResult.AlreadyHad, file.WritePiece(1, Piece(1)));
                    await Task.Delay(5, deadline.Token); // polling with a deadline, not ordering by sleep
                }
                catch (StorageException e)
                {
                    error = e;
                }
            }

            Assert.True(error.IsDiskFull);
            Assert.Contains("'movie.bin'", error.Message, StringComparison.Ordinal);
            Assert.Equal(0, file.RecordedCount);
        }

        _full = false;
        using var restarted = _folder.Open();
        var resumed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));
        // No state ever claimed them, but their bytes are in the .part: recovered by hashing once space is back.
        Assert.Equal([0, 1], resumed.Snapshot().Indices());
    }

    [Fact]
    public void A_download_larger_than_the_free_space_fails_at_once_as_a_full_disk_saying_what_it_needs_and_leaves_no_part()
    {
        // 1 PiB in pieces of 1 GiB: far beyond the temp folder's filesystem, whatever it is.
        const long length = 1L << 50;
        const int pieceLength = 1 << 30;
        var limits = new ProtocolLimits { MaxPieceLength = pieceLength, MaxPieceCount = 1 << 20 };
        var huge = Manifest.Create(length, pieceLength, new byte[(int)(length / pieceLength) * Manifest.HashLength], limits);
        using var repository = _folder.Open();

        var error = Assert.Throws<StorageException>(() => repository.OpenDownload(huge, "huge.bin"));

        Assert.True(error.IsDiskFull);
        Assert.Contains("the disk is full: the download of 'huge.bin' needs 1024.0 TiB in ", error.Message, StringComparison.Ordinal);
        Assert.Contains(" is free there", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder, "*.part"));
    }

    [Fact]
    public void Other_IO_errors_are_not_mistaken_for_a_full_disk()
    {
        Assert.True(StorageException.IsDiskFullError(DiskFull()));
        Assert.False(StorageException.IsDiskFullError(new IOException("Input/output error", 5)));
        Assert.False(new StorageException("x", new IOException("Permission denied", 13)).IsDiskFull);
    }

    private ReadOnlySpan<byte> Piece(int index) => StorageTestFolder.Piece(_data, _manifest, index);
}
