using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Storage;

public sealed class DownloadTests : IDisposable
{
    private const int PieceLength = 1024;
    private readonly StorageTestFolder _folder = new();
    private readonly byte[] _data = StorageTestFolder.Bytes(10 * PieceLength + 300, 42);
    private readonly Manifest _manifest;

    public DownloadTests() => _manifest = StorageTestFolder.ManifestOf(_data, PieceLength);

    public void Dispose() => _folder.Dispose();

    private ReadOnlySpan<byte> Piece(int index) => StorageTestFolder.Piece(_data, _manifest, index);

    private string StatePath => Path.Combine(_folder.DownloadsFolder, _manifest.Id + ".state");

    [Fact]
    public void Pieces_written_out_of_order_all_land_and_read_back()
    {
        using var repository = _folder.Open();
        var file = repository.OpenDownload(_manifest, "movie.bin");
        var verified = new List<int>();
        file.PieceVerified += (f, piece) => verified.Add(piece);

        foreach (int piece in new[] { 10, 3, 0, 7, 1, 9, 2, 8, 4, 6, 5 })
            Assert.Equal(PieceWriteResult.Written, file.WritePiece(piece, Piece(piece)));

        Assert.Equal(11, file.VerifiedCount);
        Assert.Equal([10, 3, 0, 7, 1, 9, 2, 8, 4, 6, 5], verified);
        Assert.True(file.Snapshot().IsComplete);
        Assert.False(file.IsComplete);
        Assert.Null(file.FinalPath);
        var buffer = new byte[PieceLength];
        Assert.Equal(300, file.ReadPiece(10, buffer));
        Assert.Equal(Piece(10).ToArray(), buffer.AsSpan(0, 300).ToArray());
    }

    [Fact]
    public void Download_in_progress_is_listed_and_found_by_id()
    {
        using var repository = _folder.Open();
        var file = repository.OpenDownload(_manifest, "movie.bin");

        Assert.True(repository.TryGet(_manifest.Id, out var found));
        Assert.Same(file, found);
        Assert.Same(file, Assert.Single(repository.Files));
        Assert.Same(file, repository.OpenDownload(_manifest, "movie.bin"));
        Assert.Equal(_manifest.Id, file.Id);
        Assert.Equal("movie.bin", file.Name);
        Assert.Equal(_manifest.Length, new FileInfo(Path.Combine(_folder.DownloadsFolder, _manifest.Id + ".part")).Length);
    }

    [Fact]
    public void Bad_piece_is_rejected_with_HashMismatch_and_nothing_is_recorded()
    {
        using var repository = _folder.Open();
        var file = repository.OpenDownload(_manifest, "movie.bin");
        bool raised = false;
        file.PieceVerified += (_, _) => raised = true;
        var corrupt = Piece(4).ToArray();
        corrupt[17] ^= 1;

        Assert.Equal(PieceWriteResult.HashMismatch, file.WritePiece(4, corrupt));
        Assert.Equal(PieceWriteResult.HashMismatch, file.WritePiece(4, Piece(4)[..100]));
        Assert.Equal(PieceWriteResult.HashMismatch, file.WritePiece(5, Piece(4)));
        Assert.Equal(PieceWriteResult.HashMismatch, file.WritePiece(11, Piece(10)));

        Assert.Equal(0, file.VerifiedCount);
        Assert.False(file.Has(4));
        Assert.False(raised);
        Assert.All(File.ReadAllBytes(Path.Combine(_folder.DownloadsFolder, _manifest.Id + ".part")), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Writing_a_held_piece_again_returns_AlreadyHad()
    {
        using var repository = _folder.Open();
        var file = repository.OpenDownload(_manifest, "movie.bin");

        Assert.Equal(PieceWriteResult.Written, file.WritePiece(2, Piece(2)));
        Assert.Equal(PieceWriteResult.AlreadyHad, file.WritePiece(2, Piece(2)));
        Assert.Equal(1, file.VerifiedCount);
    }

    [Fact]
    public void ReadPiece_of_a_missing_piece_throws_StorageException()
    {
        using var repository = _folder.Open();
        var file = repository.OpenDownload(_manifest, "movie.bin");
        file.WritePiece(0, Piece(0));
        var buffer = new byte[PieceLength];

        Assert.Throws<StorageException>(() => file.ReadPiece(1, buffer));
        Assert.Throws<StorageException>(() => file.ReadPiece(-1, buffer));
        Assert.Throws<StorageException>(() => file.ReadPiece(99, buffer));
        Assert.Equal(PieceLength, file.ReadPiece(0, buffer));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../escape.bin")]
    [InlineData("sub/../../escape.bin")]
    [InlineData("sub//x.bin")]
    [InlineData("sub/./x.bin")]
    [InlineData("sub/")]
    [InlineData("c:x")]
    [InlineData("con/x")]
    [InlineData("back\\slash.bin")]
    [InlineData(".p2pshare/downloads/x.part")]
    [InlineData("sub/.hidden")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    [InlineData("new\nline")]
    [InlineData(".p2pshare")]
    [InlineData(".hidden")]
    public void Unsafe_names_are_rejected_with_StorageException(string name)
    {
        using var repository = _folder.Open();

        var e = Assert.Throws<StorageException>(() => repository.OpenDownload(_manifest, name));

        Assert.Contains("cannot save a file as", e.Message, StringComparison.Ordinal);
        Assert.Empty(repository.Files);
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
    }

    [Fact]
    public async Task Batched_state_is_written_when_the_repository_closes_before_its_interval()
    {
        var first = _folder.Open(statePersistInterval: TimeSpan.FromHours(1));
        var file = first.OpenDownload(_manifest, "movie.bin");
        foreach (int piece in new[] { 2, 3, 7 })
            Assert.Equal(PieceWriteResult.Written, file.WritePiece(piece, Piece(piece)));
        first.Dispose();

        using var restarted = _folder.Open();
        var listed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));
        Assert.Equal([2, 3, 7], listed.Snapshot().Indices());
    }

    [Fact]
    public async Task Batched_state_is_written_in_time_while_the_download_runs_without_a_dispose()
    {
        using var repository = _folder.Open(statePersistInterval: TimeSpan.FromMilliseconds(20));
        var file = repository.OpenDownload(_manifest, "movie.bin");
        var emptyState = File.ReadAllBytes(StatePath);
        foreach (int piece in new[] { 0, 5 })
            Assert.Equal(PieceWriteResult.Written, file.WritePiece(piece, Piece(piece)));

        // The state written when the download was created lists no piece; the timer must replace it (no dispose here),
        // two pieces being few: ten intervals (0.2 s) after the first.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (File.ReadAllBytes(StatePath).AsSpan().SequenceEqual(emptyState))
            await Task.Delay(10, deadline.Token); // polling with a deadline, not ordering by sleep
    }

    [Fact]
    public async Task Download_state_survives_dispose_and_a_new_repository()
    {
        var first = _folder.Open();
        var file = first.OpenDownload(_manifest, "movie.bin");
        foreach (int piece in new[] { 1, 4, 10 })
            file.WritePiece(piece, Piece(piece));
        first.Dispose();

        using var restarted = _folder.Open();
        var listed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));
        Assert.False(listed.IsComplete);
        Assert.Equal("movie.bin", listed.Name);
        Assert.Equal([1, 4, 10], listed.Snapshot().Indices());
        Assert.Equal(0, restarted.HashedFileCount);

        var resumed = restarted.OpenDownload(_manifest, "movie.bin");
        Assert.Same(listed, resumed);
        var buffer = new byte[PieceLength];
        resumed.ReadPiece(4, buffer);
        Assert.Equal(Piece(4).ToArray(), buffer);
        Assert.Equal(PieceWriteResult.AlreadyHad, resumed.WritePiece(4, Piece(4)));
        Assert.Equal(PieceWriteResult.Written, resumed.WritePiece(5, Piece(5)));
    }

    [Fact]
    public void Download_resumes_through_OpenDownload_without_a_scan()
    {
        var first = _folder.Open();
        first.OpenDownload(_manifest, "movie.bin").WritePiece(3, Piece(3));
        first.Dispose();

        using var restarted = _folder.Open();
        var resumed = restarted.OpenDownload(_manifest, "movie.bin");

        Assert.Equal([3], resumed.Snapshot().Indices());
    }

    [Fact]
    public async Task Leftover_temp_state_file_from_a_crash_is_ignored()
    {
        var first = _folder.Open();
        var file = first.OpenDownload(_manifest, "movie.bin");
        file.WritePiece(0, Piece(0));
        file.WritePiece(6, Piece(6));
        first.Dispose();
        // A crash while writing the next state leaves a torn temporary file beside the real one.
        File.WriteAllBytes(StatePath + ".tmp", [0x50, 0x32, 0x50, 0x53, 0xDE, 0xAD]);

        using var restarted = _folder.Open();
        var listed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));

        Assert.Equal([0, 6], listed.Snapshot().Indices());
        Assert.Equal(PieceWriteResult.Written, listed.WritePiece(1, Piece(1)));
        Assert.False(File.Exists(StatePath + ".tmp"));
    }

    [Fact]
    public async Task Corrupt_state_file_restarts_the_download_from_zero()
    {
        var first = _folder.Open();
        first.OpenDownload(_manifest, "movie.bin").WritePiece(2, Piece(2));
        first.Dispose();
        var bytes = File.ReadAllBytes(StatePath);
        bytes[^40] ^= 0x55;
        File.WriteAllBytes(StatePath, bytes);

        using var restarted = _folder.Open();
        Assert.Empty(await restarted.ScanAsync(CancellationToken.None));
        var fresh = restarted.OpenDownload(_manifest, "movie.bin");

        Assert.Equal(0, fresh.VerifiedCount);
        Assert.Equal(PieceWriteResult.Written, fresh.WritePiece(2, Piece(2)));
    }

    [Fact]
    public void Truncated_state_file_opened_directly_restarts_from_zero()
    {
        var first = _folder.Open();
        first.OpenDownload(_manifest, "movie.bin").WritePiece(2, Piece(2));
        first.Dispose();
        File.WriteAllBytes(StatePath, File.ReadAllBytes(StatePath)[..20]);

        using var restarted = _folder.Open();
        var fresh = restarted.OpenDownload(_manifest, "movie.bin");

        Assert.Equal(0, fresh.VerifiedCount);
    }

    [Fact]
    public void Concurrent_writers_all_land()
    {
        var data = StorageTestFolder.Bytes(200 * 512 + 1, 7);
        var manifest = StorageTestFolder.ManifestOf(data, 512);
        using var repository = _folder.Open();
        var file = repository.OpenDownload(manifest, "many.bin");
        int events = 0;
        file.PieceVerified += (_, _) => Interlocked.Increment(ref events);
        var results = new PieceWriteResult[manifest.PieceCount];

        Parallel.For(0, manifest.PieceCount, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            piece => results[piece] = file.WritePiece(piece, StorageTestFolder.Piece(data, manifest, piece)));

        Assert.All(results, r => Assert.Equal(PieceWriteResult.Written, r));
        Assert.Equal(manifest.PieceCount, file.VerifiedCount);
        Assert.Equal(manifest.PieceCount, events);
        Assert.Equal(data, File.ReadAllBytes(file.Complete().Path));
    }

    [Fact]
    public void Concurrent_writes_are_all_recorded_in_the_state_file()
    {
        var data = StorageTestFolder.Bytes(64 * 512, 8);
        var manifest = StorageTestFolder.ManifestOf(data, 512);
        var first = _folder.Open();
        var file = first.OpenDownload(manifest, "many.bin");

        Parallel.For(0, manifest.PieceCount - 1, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            piece => file.WritePiece(piece, StorageTestFolder.Piece(data, manifest, piece)));
        first.Dispose();

        using var restarted = _folder.Open();
        Assert.Equal(manifest.PieceCount - 1, restarted.OpenDownload(manifest, "many.bin").VerifiedCount);
    }

    [Fact]
    public void Readers_and_writers_run_concurrently()
    {
        using var repository = _folder.Open();
        var file = repository.OpenDownload(_manifest, "movie.bin");
        file.WritePiece(0, Piece(0));

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (i % 20 == 0 && i / 20 < _manifest.PieceCount)
            {
                file.WritePiece(i / 20, Piece(i / 20));
            }
            else
            {
                var buffer = new byte[PieceLength];
                file.ReadPiece(0, buffer);
                Assert.Equal(Piece(0).ToArray(), buffer);
            }
        });

        Assert.Equal(10, file.VerifiedCount);
    }

    [Fact]
    public void State_rewritten_per_piece_stays_small_whatever_the_manifest_size()
    {
        var data = StorageTestFolder.Bytes(4096 * 16, 9);
        var manifest = StorageTestFolder.ManifestOf(data, 16);
        using var repository = _folder.Open();
        var file = repository.OpenDownload(manifest, "many.bin");

        file.WritePiece(7, StorageTestFolder.Piece(data, manifest, 7));

        string stem = Path.Combine(_folder.DownloadsFolder, manifest.Id.ToString());
        Assert.InRange(new FileInfo(stem + ".state").Length, 1, 4096 / 8 + 128);
        Assert.Equal(manifest.ToBytes(), File.ReadAllBytes(stem + ".manifest"));
    }

    [Fact]
    public async Task Download_whose_manifest_file_is_damaged_restarts_from_zero()
    {
        var first = _folder.Open();
        first.OpenDownload(_manifest, "movie.bin").WritePiece(2, Piece(2));
        first.Dispose();
        string manifestPath = Path.Combine(_folder.DownloadsFolder, _manifest.Id + ".manifest");
        var bytes = File.ReadAllBytes(manifestPath);
        bytes[^1] ^= 1;
        File.WriteAllBytes(manifestPath, bytes);

        using var restarted = _folder.Open();
        Assert.Empty(await restarted.ScanAsync(CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
        Assert.Equal(0, restarted.OpenDownload(_manifest, "movie.bin").VerifiedCount);
    }

    [Fact]
    public async Task Files_left_by_a_download_without_state_are_removed_on_scan()
    {
        string orphan = Path.Combine(_folder.DownloadsFolder, _manifest.Id + ".part");
        using var repository = _folder.Open();
        File.WriteAllBytes(orphan, [1, 2, 3]);
        File.WriteAllBytes(orphan + ".unrelated-but-ours", [4]);
        var live = repository.OpenDownload(StorageTestFolder.ManifestOf([9, 9, 9], 2), "live.bin");

        await repository.ScanAsync(CancellationToken.None);

        Assert.False(File.Exists(orphan));
        Assert.Equal(4, Directory.EnumerateFiles(_folder.DownloadsFolder).Count()); // the live download's part, state, manifest, lock
        Assert.Same(live, Assert.Single(repository.Files));
    }

    [Fact]
    public void Disposed_file_refuses_reads_and_writes_with_StorageException()
    {
        using var repository = _folder.Open();
        var file = repository.OpenDownload(_manifest, "movie.bin");
        file.WritePiece(0, Piece(0));
        file.Dispose();

        Assert.Throws<StorageException>(() => file.ReadPiece(0, new byte[PieceLength]));
        Assert.Throws<StorageException>(() => file.WritePiece(1, Piece(1)));
    }
}
