using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>Downloads named by a relative path land in their folder, and no name or link carries one outside the repository.</summary>
public sealed class NestedDownloadTests : IDisposable
{
    private const int PieceLength = 1024;
    private readonly StorageTestFolder _folder = new();
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "p2pshare-outside-" + Guid.NewGuid().ToString("N"));
    private readonly byte[] _data = StorageTestFolder.Bytes(3 * PieceLength + 10, 5);
    private readonly Manifest _manifest;

    public NestedDownloadTests()
    {
        _manifest = StorageTestFolder.ManifestOf(_data, PieceLength);
        Directory.CreateDirectory(_outside);
    }

    public void Dispose()
    {
        _folder.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    private PartFile DownloadAll(Repository repository, string name)
    {
        var file = repository.OpenDownload(_manifest, name);
        for (int piece = 0; piece < _manifest.PieceCount; piece++)
            Assert.Equal(PieceWriteResult.Written, file.WritePiece(piece, StorageTestFolder.Piece(_data, _manifest, piece)));
        return file;
    }

    [Fact]
    public void A_nested_name_recreates_its_folders_and_keeps_its_relative_name()
    {
        using var repository = _folder.Open();

        var done = DownloadAll(repository, "photos/2025/beach.jpg").Complete();

        Assert.Equal(Path.Combine(_folder.Root, "photos", "2025", "beach.jpg"), done.Path);
        Assert.Equal("photos/2025/beach.jpg", done.Name);
        Assert.Equal(_data, File.ReadAllBytes(done.Path));
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
    }

    [Fact]
    public void A_nested_name_taken_by_other_content_gets_a_number_in_its_own_folder()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Root, "sub"));
        _folder.Write(Path.Combine("sub", "x.bin"), [1, 2, 3]);
        using var repository = _folder.Open();

        var done = DownloadAll(repository, "sub/x.bin").Complete();

        Assert.Equal("sub/x (2).bin", done.Name);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(_folder.Root, "sub", "x.bin")));
    }

    [Fact]
    public async Task An_interrupted_nested_download_resumes_under_its_name_after_a_restart()
    {
        using (var first = _folder.Open())
        {
            var file = first.OpenDownload(_manifest, "a/b/c.bin");
            file.WritePiece(1, StorageTestFolder.Piece(_data, _manifest, 1));
        }
        using var second = _folder.Open();

        var held = Assert.Single(await second.ScanAsync(CancellationToken.None));
        var resumed = Assert.IsType<PartFile>(held);

        Assert.Equal("a/b/c.bin", resumed.Name);
        Assert.Equal(1, resumed.VerifiedCount);
        for (int piece = 0; piece < _manifest.PieceCount; piece++)
            resumed.WritePiece(piece, StorageTestFolder.Piece(_data, _manifest, piece));
        Assert.Equal(_data, File.ReadAllBytes(resumed.Complete().Path));
    }

    [Fact]
    public void A_folder_that_is_a_symbolic_link_is_refused_before_anything_is_written()
    {
        Directory.CreateSymbolicLink(Path.Combine(_folder.Root, "sub"), _outside);
        using var repository = _folder.Open();

        var e = Assert.Throws<StorageException>(() => repository.OpenDownload(_manifest, "sub/x.bin"));

        Assert.Contains("'sub' is a symbolic link", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
    }

    [Fact]
    public void A_folder_swapped_for_a_symbolic_link_during_the_download_keeps_the_file_out_of_it()
    {
        using var repository = _folder.Open();
        var file = DownloadAll(repository, "sub/deeper/x.bin");
        Directory.CreateSymbolicLink(Path.Combine(_folder.Root, "sub"), _outside); // after the download opened

        var e = Assert.Throws<StorageException>(() => file.Complete());

        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
        Assert.True(e.NameBlocked);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
        Assert.Equal(_manifest.PieceCount, file.VerifiedCount); // kept: moving the link away lets it complete
    }

    [Fact]
    public void A_folder_that_is_a_file_is_a_clear_refusal()
    {
        _folder.Write("sub", [9]);
        using var repository = _folder.Open();

        var e = Assert.Throws<StorageException>(() => repository.OpenDownload(_manifest, "sub/x.bin"));

        Assert.Contains("'sub' is a file, not a folder", e.Message, StringComparison.Ordinal);
        Assert.True(e.NameBlocked); // so the user is not told that running the command again would help
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("/etc/x")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("a/../../x")]
    [InlineData("c:x")]
    [InlineData("con/x")]
    [InlineData("a\\b")]
    [InlineData("a/b ")]
    [InlineData(".p2pshare/downloads/x")]
    [InlineData("sub/.hidden/x")]
    public void Hostile_names_write_nothing_anywhere(string name)
    {
        using var repository = _folder.Open();

        Assert.Throws<StorageException>(() => repository.OpenDownload(_manifest, name));

        Assert.Equal([Repository.StateDirectoryName], Directory.EnumerateFileSystemEntries(_folder.Root).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFiles(_folder.DownloadsFolder));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public void A_300_byte_segment_is_refused()
    {
        using var repository = _folder.Open();

        Assert.Throws<StorageException>(() => repository.OpenDownload(_manifest, "sub/" + new string('a', 300)));
        Assert.Equal([Repository.StateDirectoryName], Directory.EnumerateFileSystemEntries(_folder.Root).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_nested_file_already_on_disk_is_adopted_but_never_through_a_linked_folder()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Root, "real"));
        _folder.Write(Path.Combine("real", "x.bin"), _data);
        File.WriteAllBytes(Path.Combine(_outside, "x.bin"), _data);
        Directory.CreateSymbolicLink(Path.Combine(_folder.Root, "link"), _outside);
        using var repository = _folder.Open();

        Assert.False(await repository.AdoptAsync("link/x.bin", _manifest.Id, _manifest.Length, PieceLength, CancellationToken.None));
        Assert.True(await repository.AdoptAsync("real/x.bin", _manifest.Id, _manifest.Length, PieceLength, CancellationToken.None));
        Assert.Equal("real/x.bin", Assert.Single(repository.Files).Name);
    }

    [Fact]
    public void The_final_path_check_refuses_a_path_outside_the_root_whatever_the_name()
    {
        Assert.Equal(Path.Combine(_folder.Root, "a", "b"), RepositoryPath.Combine(_folder.Root, "a/b"));
        Assert.Throws<StorageException>(() => RepositoryPath.Combine(_folder.Root, "../x"));
    }
}
