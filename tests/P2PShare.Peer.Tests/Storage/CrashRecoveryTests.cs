using Microsoft.Extensions.Logging;
using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>
/// A crash between writing a piece and recording it (the state is rewritten at most once per persist
/// interval) must cost nothing but the pieces in flight: reopening hashes the written, unrecorded pieces.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const int PieceLength = 64 * 1024; // above the file system's block, so holes between pieces stay holes
    private readonly StorageTestFolder _folder = new();
    private readonly byte[] _data = StorageTestFolder.Bytes(16 * PieceLength + 777, 7); // 17 pieces
    private readonly Manifest _manifest;

    public CrashRecoveryTests() => _manifest = StorageTestFolder.ManifestOf(_data, PieceLength);

    public void Dispose() => _folder.Dispose();

    private string PartPath => Path.Combine(_folder.DownloadsFolder, _manifest.Id + ".part");

    private ReadOnlySpan<byte> Piece(int index) => StorageTestFolder.Piece(_data, _manifest, index);

    /// <summary>Starts the download, records <paramref name="recorded"/> the normal way, and closes it.</summary>
    private void StartWithRecorded(params int[] recorded)
    {
        var first = _folder.Open();
        var file = first.OpenDownload(_manifest, "movie.bin");
        foreach (int piece in recorded)
            Assert.Equal(PieceWriteResult.Written, file.WritePiece(piece, Piece(piece)));
        first.Dispose();
    }

    /// <summary>What a process killed after writing a piece but before recording it leaves: the bytes, no claim.</summary>
    private void WriteUnrecorded(int piece, ReadOnlySpan<byte> bytes)
    {
        using var part = File.OpenHandle(PartPath, FileMode.Open, FileAccess.Write);
        RandomAccess.Write(part, bytes, _manifest.PieceOffset(piece));
    }

    [Fact]
    public async Task Pieces_written_but_not_recorded_before_a_crash_are_recovered_on_reopen_and_holes_stay_missing()
    {
        StartWithRecorded(0, 3);
        foreach (int piece in new[] { 5, 6, 16 })
            WriteUnrecorded(piece, Piece(piece));
        var log = new ListLogger();

        using (var restarted = _folder.Open(logger: log))
        {
            var listed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));
            Assert.Equal([0, 3, 5, 6, 16], listed.Snapshot().Indices());
            Assert.Equal(5, listed.RecordedCount);
            // Only the 2 recorded pieces (hashed again) and the 3 holding data were read, not the 12 holes (where the file system reports holes).
            if (!log.Has(LogLevel.Debug, "does not report the written ranges"))
                Assert.True(log.Has(LogLevel.Information, "Recovered 3 pieces of 'movie.bin'") && log.Has(LogLevel.Information, "(5 checked"), string.Join('\n', log.Lines));
        }

        // The recovered pieces were recorded: a second reopen finds them in the state (and hashes them again, recovering nothing).
        var again = new ListLogger();
        using var third = _folder.Open(logger: again);
        var file = Assert.IsType<PartFile>(Assert.Single(await third.ScanAsync(CancellationToken.None)));
        Assert.Equal([0, 3, 5, 6, 16], file.Snapshot().Indices());
        Assert.False(again.Has(LogLevel.Information, "Recovered"));
        for (int piece = 0; piece < _manifest.PieceCount; piece++)
            file.WritePiece(piece, Piece(piece));
        Assert.Equal(_data, File.ReadAllBytes(file.Complete().Path));
    }

    [Fact]
    public async Task A_written_but_corrupt_unrecorded_piece_is_not_recovered()
    {
        StartWithRecorded(1);
        var corrupt = Piece(4).ToArray();
        corrupt[1000] ^= 0x01;
        WriteUnrecorded(4, corrupt);
        WriteUnrecorded(9, Piece(9));
        WriteUnrecorded(10, Piece(10)[..(PieceLength / 2)]); // torn: the kill came mid-write

        using var restarted = _folder.Open();
        var listed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));

        Assert.Equal([1, 9], listed.Snapshot().Indices());
        Assert.Equal(PieceWriteResult.Written, listed.WritePiece(4, Piece(4)));
        Assert.Equal(PieceWriteResult.Written, listed.WritePiece(10, Piece(10)));
    }

    [Fact]
    public async Task Pieces_batched_in_memory_when_the_process_dies_are_recovered_from_a_copy_of_its_files()
    {
        var running = _folder.Open(statePersistInterval: TimeSpan.FromHours(1));
        var file = running.OpenDownload(_manifest, "movie.bin");
        foreach (int piece in new[] { 2, 8, 11 })
            Assert.Equal(PieceWriteResult.Written, file.WritePiece(piece, Piece(piece)));
        Assert.Equal(0, file.RecordedCount);
        // The files as a SIGKILL would leave them now (the open repository would record the pieces on dispose).
        using var crashed = new StorageTestFolder();
        string downloads = Directory.CreateDirectory(crashed.DownloadsFolder).FullName;
        // The lock is left out: a dead process's lock is released by the OS, and the running one's cannot be read.
        foreach (string path in Directory.EnumerateFiles(_folder.DownloadsFolder).Where(p => !p.EndsWith(".lock", StringComparison.Ordinal)))
            File.Copy(path, Path.Combine(downloads, Path.GetFileName(path)));

        using var restarted = crashed.Open();
        var listed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));

        Assert.Equal([2, 8, 11], listed.Snapshot().Indices());
    }

    [Fact]
    public async Task A_recorded_piece_whose_bytes_changed_on_disk_is_dropped_on_reopen_counted_and_fetched_again()
    {
        StartWithRecorded(0, 3, 5);
        // Lost acknowledged writes, bit rot or another program: piece 3's bytes change after they were recorded.
        var damaged = Piece(3).ToArray();
        damaged[12345] ^= 0x40;
        WriteUnrecorded(3, damaged);
        var log = new ListLogger();

        using var restarted = _folder.Open(logger: log);
        var listed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));

        Assert.Equal([0, 5], listed.Snapshot().Indices());
        Assert.False(listed.Has(3));
        Assert.Equal(1, listed.TakeDamagedOnOpen());
        Assert.Equal(0, listed.TakeDamagedOnOpen()); // told once
        Assert.True(log.Has(LogLevel.Warning, "1 of the 3 pieces of 'movie.bin'"), string.Join('\n', log.Lines));
        // The state on disk no longer claims it either, so nothing announces it before it is fetched again.
        var state = PartState.Parse(File.ReadAllBytes(Path.ChangeExtension(PartPath, ".state")), File.ReadAllBytes(Path.ChangeExtension(PartPath, ".manifest")), _manifest.Id);
        Assert.Equal([0, 5], state.Verified.Indices());
        for (int piece = 0; piece < _manifest.PieceCount; piece++)
            listed.WritePiece(piece, Piece(piece));
        Assert.Equal(_data, File.ReadAllBytes(listed.Complete().Path));
    }

    [Fact]
    public async Task A_part_cut_short_keeps_every_piece_that_still_verifies()
    {
        StartWithRecorded(0, 3, 9, 16);
        using (var part = File.OpenHandle(PartPath, FileMode.Open, FileAccess.Write))
            RandomAccess.SetLength(part, _manifest.PieceOffset(9) + 100);

        using var restarted = _folder.Open();
        var listed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));

        Assert.Equal([0, 3], listed.Snapshot().Indices());
        Assert.Equal(2, listed.TakeDamagedOnOpen());
        Assert.Equal(_manifest.Length, new FileInfo(PartPath).Length);
    }

    [Fact]
    public async Task A_part_grown_longer_keeps_every_piece_and_is_cut_back_to_the_manifest_length()
    {
        StartWithRecorded(0, 3, 16);
        using (var part = new FileStream(PartPath, FileMode.Append, FileAccess.Write))
            part.Write(new byte[5000]);

        using var restarted = _folder.Open();
        var listed = Assert.IsType<PartFile>(Assert.Single(await restarted.ScanAsync(CancellationToken.None)));

        Assert.Equal([0, 3, 16], listed.Snapshot().Indices());
        Assert.Equal(0, listed.TakeDamagedOnOpen());
        Assert.Equal(_manifest.Length, new FileInfo(PartPath).Length);
    }
}
