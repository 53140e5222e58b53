using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Storage;

public sealed class CompletionTests : IDisposable
{
    private const int PieceLength = 1024;
    private readonly StorageTestFolder _folder = new();
    private readonly byte[] _data = StorageTestFolder.Bytes(5 * PieceLength + 10, 77);
    private readonly Manifest _manifest;

    public CompletionTests() => _manifest = StorageTestFolder.ManifestOf(_data, PieceLength);

    public void Dispose() => _folder.Dispose();

    private PartFile DownloadAll(Repository repository, string name)
    {
        var file = repository.OpenDownload(_manifest, name);
        for (int piece = 0; piece < _manifest.PieceCount; piece++)
            file.WritePiece(piece, StorageTestFolder.Piece(_data, _manifest, piece));
        return file;
    }

    [Fact]
    public void Complete_moves_the_file_to_its_name_and_removes_the_state()
    {
        using var repository = _folder.Open();
        var file = DownloadAll(repository, "report.pdf");

        string path = file.Complete().Path;

        Assert.Equal(Path.Combine(_folder.Root, "report.pdf"), path);
        Assert.Equal(_data, File.ReadAllBytes(path));
        Assert.True(file.IsComplete);
        Assert.Equal(path, file.FinalPath);
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
        Assert.Equal(path, file.Complete().Path);
    }

    [Fact]
    public void Completed_file_still_serves_its_pieces()
    {
        using var repository = _folder.Open();
        var file = DownloadAll(repository, "report.pdf");
        var shared = file.Complete();
        var buffer = new byte[PieceLength];

        Assert.Equal(10, file.ReadPiece(5, buffer));
        Assert.Equal(StorageTestFolder.Piece(_data, _manifest, 5).ToArray(), buffer.AsSpan(0, 10).ToArray());
        Assert.Equal(PieceWriteResult.AlreadyHad, file.WritePiece(1, StorageTestFolder.Piece(_data, _manifest, 1)));
        Assert.True(repository.TryGet(_manifest.Id, out var held));
        Assert.Same(shared, held); // the repository holds what the download became
        Assert.Equal(10, held!.ReadPiece(5, buffer));
    }

    [Fact]
    public async Task Pieces_read_while_the_download_completes_come_whole_from_the_part_or_the_final_file()
    {
        // A fetcher's request can be served just as the download completes and the .part is renamed.
        using var repository = _folder.Open();
        for (int round = 0; round < 200; round++)
        {
            var data = StorageTestFolder.Bytes(3 * PieceLength, 1000 + round);
            var manifest = StorageTestFolder.ManifestOf(data, PieceLength);
            var file = repository.OpenDownload(manifest, $"race{round}.bin");
            for (int piece = 0; piece < manifest.PieceCount; piece++)
                file.WritePiece(piece, StorageTestFolder.Piece(data, manifest, piece));
            using var done = new CancellationTokenSource();
            var reader = Task.Run(() =>
            {
                var buffer = new byte[PieceLength];
                int reads = 0;
                for (int piece = 0; !done.IsCancellationRequested || reads == 0; piece = (piece + 1) % manifest.PieceCount, reads++)
                {
                    int read = file.ReadPiece(piece, buffer);
                    Assert.Equal(StorageTestFolder.Piece(data, manifest, piece).ToArray(), buffer.AsSpan(0, read).ToArray());
                }
            });

            file.Complete();
            await done.CancelAsync();
            await reader; // before the fix, a read between the move and the switch failed: 'Could not find file ….part'
        }
    }

    [Fact]
    public void Complete_never_overwrites_a_different_existing_file()
    {
        var other = StorageTestFolder.Bytes(300, 1);
        _folder.Write("report.pdf", other);
        _folder.Write("report (2).pdf", StorageTestFolder.Bytes(300, 2));
        using var repository = _folder.Open();
        var file = DownloadAll(repository, "report.pdf");

        string path = file.Complete().Path;

        Assert.Equal(Path.Combine(_folder.Root, "report (3).pdf"), path);
        Assert.Equal("report (3).pdf", file.Name);
        Assert.Equal(_data, File.ReadAllBytes(path));
        Assert.Equal(other, File.ReadAllBytes(Path.Combine(_folder.Root, "report.pdf")));
    }

    [Fact]
    public void A_name_that_resolves_to_another_file_as_on_a_case_insensitive_filesystem_is_saved_numbered_and_the_other_kept()
    {
        // On Windows or macOS `case.txt` opens `Case.txt`. Simulated here with a hard link: both names, one file.
        var other = StorageTestFolder.Bytes(300, 1);
        string taken = _folder.Write("Case.txt", other);
        HardLink(taken, Path.Combine(_folder.Root, "case.txt"));
        using var repository = _folder.Open();

        string path = DownloadAll(repository, "case.txt").Complete().Path;

        Assert.Equal(Path.Combine(_folder.Root, "case (2).txt"), path);
        Assert.Equal(_data, File.ReadAllBytes(path));
        Assert.Equal(other, File.ReadAllBytes(taken));
    }

    private static void HardLink(string existing, string created)
    {
        using var ln = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ln", [existing, created]) { UseShellExecute = false })!;
        Assert.True(ln.WaitForExit(TimeSpan.FromSeconds(30)), "ln did not finish");
        Assert.Equal(0, ln.ExitCode);
    }

    [Fact]
    public void Name_without_extension_gets_its_number_at_the_end()
    {
        _folder.Write("README", [1, 2, 3]);
        using var repository = _folder.Open();

        string path = DownloadAll(repository, "README").Complete().Path;

        Assert.Equal(Path.Combine(_folder.Root, "README (2)"), path);
    }

    [Fact]
    public void A_folder_with_the_name_is_not_overwritten_either()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Root, "data.bin"));
        using var repository = _folder.Open();

        string path = DownloadAll(repository, "data.bin").Complete().Path;

        Assert.Equal(Path.Combine(_folder.Root, "data (2).bin"), path);
    }

    [Fact]
    public void Identical_existing_file_is_kept_and_the_part_dropped()
    {
        string existing = _folder.Write("report.pdf", _data);
        var mtime = File.GetLastWriteTimeUtc(existing);
        using var repository = _folder.Open();

        string path = DownloadAll(repository, "report.pdf").Complete().Path;

        Assert.Equal(existing, path);
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(existing));
        Assert.Single(Directory.EnumerateFiles(_folder.Root));
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
    }

    [Fact]
    public void Complete_with_missing_pieces_throws_StorageException_and_keeps_the_download()
    {
        using var repository = _folder.Open();
        var file = repository.OpenDownload(_manifest, "report.pdf");
        file.WritePiece(0, StorageTestFolder.Piece(_data, _manifest, 0));

        var e = Assert.Throws<StorageException>(file.Complete);

        Assert.Contains("report.pdf", e.Message, StringComparison.Ordinal);
        Assert.Contains("5 of 6", e.Message, StringComparison.Ordinal);
        Assert.False(file.IsComplete);
        Assert.False(File.Exists(Path.Combine(_folder.Root, "report.pdf")));
        Assert.Equal(PieceWriteResult.Written, file.WritePiece(1, StorageTestFolder.Piece(_data, _manifest, 1)));
    }

    [Fact]
    public async Task Empty_download_completes_right_away()
    {
        var empty = StorageTestFolder.ManifestOf([], PieceLength);
        using var repository = _folder.Open();
        var file = repository.OpenDownload(empty, "empty.txt");

        Assert.Equal(0, file.Manifest.PieceCount);
        string path = file.Complete().Path;

        Assert.Equal(0, new FileInfo(path).Length);
        Assert.Equal(empty.Id, Assert.Single(await repository.ScanAsync(CancellationToken.None)).Id);
    }

    [Fact]
    public async Task OpenDownload_of_a_file_held_complete_refuses_and_starts_nothing()
    {
        _folder.Write("have.bin", _data);
        using var repository = _folder.Open(PieceLength);
        var shared = Assert.Single(await repository.ScanAsync(CancellationToken.None));

        var refused = Assert.Throws<StorageException>(() => repository.OpenDownload(_manifest, "other name.bin"));

        Assert.Contains(shared.FinalPath!, refused.Message, StringComparison.Ordinal);
        Assert.True(repository.TryGet(_manifest.Id, out var held));
        Assert.Same(shared, held);
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
    }

    [Fact]
    public async Task Completed_download_keeps_its_id_across_a_restart_without_rehashing()
    {
        // The sender's piece length differs from what our policy would pick for this size.
        var first = _folder.Open();
        string path = DownloadAll(first, "report.pdf").Complete().Path;
        first.Dispose();

        using var restarted = _folder.Open();
        var file = Assert.Single(await restarted.ScanAsync(CancellationToken.None));

        Assert.Equal(_manifest.Id, file.Id);
        Assert.Equal(path, file.FinalPath);
        Assert.Equal(0, restarted.HashedFileCount);
    }

    [Fact]
    public async Task Rescan_after_completion_keeps_the_same_file()
    {
        using var repository = _folder.Open();
        var shared = DownloadAll(repository, "report.pdf").Complete();

        var files = await repository.ScanAsync(CancellationToken.None);

        Assert.Same(shared, Assert.Single(files));
        Assert.Equal(0, repository.HashedFileCount);
    }

    [Fact]
    public async Task Leftover_state_of_a_file_already_complete_is_cleaned_up()
    {
        // A crash between moving the file into place and removing the state leaves both behind.
        var first = _folder.Open();
        DownloadAll(first, "report.pdf");
        first.Dispose();
        _folder.Write("report.pdf", _data);

        using var restarted = _folder.Open(PieceLength);
        var file = Assert.Single(await restarted.ScanAsync(CancellationToken.None));

        Assert.True(file.IsComplete);
        Assert.Equal(_manifest.Id, file.Id);
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
    }
}
