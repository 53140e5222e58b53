using P2PShare.Peer.Storage;

namespace P2PShare.Peer.Tests.Storage;

public sealed class RepositoryScanTests : IDisposable
{
    private const int PieceLength = 1024;
    private readonly StorageTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Scan_hashes_every_shared_file_and_ids_match_an_independently_built_manifest()
    {
        var small = StorageTestFolder.Bytes(5000, 1);
        var exact = StorageTestFolder.Bytes(3 * PieceLength, 2);
        _folder.Write("small.bin", small);
        _folder.Write("exact multiple.dat", exact);
        using var repository = _folder.Open(PieceLength);

        var files = await repository.ScanAsync(CancellationToken.None);

        Assert.Equal(["exact multiple.dat", "small.bin"], files.Select(f => f.Name));
        Assert.All(files, f => Assert.True(f.IsComplete));
        Assert.Equal(StorageTestFolder.ManifestOf(small, PieceLength).Id, files[1].Id);
        Assert.Equal(StorageTestFolder.ManifestOf(exact, PieceLength).Id, files[0].Id);
        Assert.Equal(5, files[1].Manifest.PieceCount);
        Assert.Equal(Path.Combine(_folder.Root, "small.bin"), files[1].FinalPath);
        Assert.Equal(2, repository.HashedFileCount);
    }

    [Fact]
    public void A_repository_whose_state_folder_cannot_be_made_names_that_folder_not_the_repository()
    {
        // As root a read-only folder is still writable, so a file where the state folder goes stands in for it.
        File.WriteAllText(Path.Combine(_folder.Root, Repository.StateDirectoryName), "in the way");

        var e = Assert.Throws<StorageException>(() => _folder.Open(PieceLength));

        Assert.StartsWith($"cannot create the state folder {Path.Combine(_folder.Root, Repository.StateDirectoryName)} inside the repository folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_uses_the_piece_length_policy_when_none_is_given()
    {
        var data = StorageTestFolder.Bytes(300_000, 3);
        _folder.Write("a.bin", data);
        using var repository = _folder.Open();

        var file = Assert.Single(await repository.ScanAsync(CancellationToken.None));

        Assert.Equal(PieceLengthPolicy.Choose(data.Length), file.Manifest.PieceLength);
        Assert.Equal(StorageTestFolder.ManifestOf(data, PieceLengthPolicy.Choose(data.Length)).Id, file.Id);
    }

    [Fact]
    public async Task Second_scan_of_an_unchanged_repository_takes_every_manifest_from_the_cache()
    {
        _folder.Write("a.bin", StorageTestFolder.Bytes(4000, 4));
        _folder.Write("b.bin", StorageTestFolder.Bytes(100, 5));
        var first = _folder.Open(PieceLength);
        var ids = (await first.ScanAsync(CancellationToken.None)).Select(f => f.Id).ToList();
        first.Dispose();

        using var restarted = _folder.Open(PieceLength);
        var again = await restarted.ScanAsync(CancellationToken.None);

        Assert.Equal(0, restarted.HashedFileCount);
        Assert.Equal(ids, again.Select(f => f.Id));
        await restarted.ScanAsync(CancellationToken.None);
        Assert.Equal(0, restarted.HashedFileCount);
    }

    [Fact]
    public async Task Modified_file_is_rehashed_and_gets_a_new_id()
    {
        string path = _folder.Write("a.bin", StorageTestFolder.Bytes(3000, 6));
        using var repository = _folder.Open(PieceLength);
        var before = Assert.Single(await repository.ScanAsync(CancellationToken.None)).Id;

        var changed = StorageTestFolder.Bytes(3500, 7);
        File.WriteAllBytes(path, changed);
        var after = Assert.Single(await repository.ScanAsync(CancellationToken.None));

        Assert.NotEqual(before, after.Id);
        Assert.Equal(StorageTestFolder.ManifestOf(changed, PieceLength).Id, after.Id);
        Assert.Equal(2, repository.HashedFileCount);
        Assert.False(repository.TryGet(before, out _));
    }

    [Fact]
    public async Task Rescan_of_a_touched_file_with_the_same_bytes_keeps_it_and_trusts_its_new_stamp()
    {
        string path = _folder.Write("a.bin", StorageTestFolder.Bytes(3000, 8));
        using var repository = _folder.Open(PieceLength);
        var shared = Assert.IsType<SharedFile>(Assert.Single(await repository.ScanAsync(CancellationToken.None)));
        File.SetLastWriteTimeUtc(path, File.GetLastWriteTimeUtc(path).AddSeconds(5)); // touch: times move, bytes do not

        Assert.Equal(OnDisk.InDoubt, shared.CheckOnDisk(out _));
        await repository.ScanAsync(CancellationToken.None);

        Assert.Same(shared, Assert.Single(repository.Files)); // readers keep their handle
        Assert.Equal(OnDisk.AsHashed, shared.CheckOnDisk(out _)); // hashed again by the scan: no per-piece hashing from now on
    }

    [Fact]
    public async Task Modified_file_of_the_same_size_is_rehashed_and_gets_a_new_id()
    {
        string path = _folder.Write("a.bin", StorageTestFolder.Bytes(3000, 8));
        var first = _folder.Open(PieceLength);
        var before = Assert.Single(await first.ScanAsync(CancellationToken.None)).Id;
        first.Dispose();

        var changed = StorageTestFolder.Bytes(3000, 9);
        var mtime = File.GetLastWriteTimeUtc(path);
        File.WriteAllBytes(path, changed);
        File.SetLastWriteTimeUtc(path, mtime.AddSeconds(5)); // a coarse clock must not hide the change
        using var restarted = _folder.Open(PieceLength);
        var after = Assert.Single(await restarted.ScanAsync(CancellationToken.None));

        Assert.Equal(1, restarted.HashedFileCount);
        Assert.NotEqual(before, after.Id);
        Assert.Equal(StorageTestFolder.ManifestOf(changed, PieceLength).Id, after.Id);
    }

    [Fact]
    public async Task File_changed_in_place_with_its_size_and_modification_time_put_back_is_rehashed_and_gets_a_new_id()
    {
        string path = _folder.Write("a.bin", StorageTestFolder.Bytes(3000, 10));
        var mtime = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc); // whole .NET ticks, so it can be put back exactly
        File.SetLastWriteTimeUtc(path, mtime);
        var first = _folder.Open(PieceLength);
        var before = Assert.Single(await first.ScanAsync(CancellationToken.None)).Id;
        first.Dispose();
        var listed = FileStamp.Of(path);

        // What `touch -r` does after an edit: same size, same modification time, different content.
        var changed = StorageTestFolder.Bytes(3000, 11);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
            stream.Write(changed);
        File.SetLastWriteTimeUtc(path, mtime);
        // The change time moves with the kernel's clock tick; wait for a tick that differs (a deadline, not a sleep for ordering).
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (FileStamp.Of(path).ChangeNanos == listed.ChangeNanos)
        {
            await Task.Delay(1, deadline.Token);
            File.SetLastWriteTimeUtc(path, mtime);
        }
        Assert.Equal((listed.Length, listed.LastWriteNanos, listed.Inode), (FileStamp.Of(path).Length, FileStamp.Of(path).LastWriteNanos, FileStamp.Of(path).Inode));

        using var restarted = _folder.Open(PieceLength);
        var after = Assert.Single(await restarted.ScanAsync(CancellationToken.None));

        Assert.Equal(1, restarted.HashedFileCount);
        Assert.NotEqual(before, after.Id);
        Assert.Equal(StorageTestFolder.ManifestOf(changed, PieceLength).Id, after.Id);
        Assert.False(restarted.TryGet(before, out _));
    }

    [Fact]
    public async Task Empty_file_is_shared_with_zero_pieces()
    {
        _folder.Write("empty.txt", []);
        using var repository = _folder.Open();

        var file = Assert.Single(await repository.ScanAsync(CancellationToken.None));

        Assert.True(file.IsComplete);
        Assert.Equal(0, file.Manifest.Length);
        Assert.Equal(0, file.Manifest.PieceCount);
        Assert.Equal(0, file.VerifiedCount);
        Assert.Equal(StorageTestFolder.ManifestOf([], file.Manifest.PieceLength).Id, file.Id);
    }

    [Fact]
    public async Task Hidden_files_hidden_folders_and_the_state_folder_are_not_shared()
    {
        _folder.Write(".hidden", [1, 2, 3]);
        Directory.CreateDirectory(Path.Combine(_folder.Root, ".secret"));
        File.WriteAllBytes(Path.Combine(_folder.Root, ".secret", "inner.bin"), [4]);
        _folder.Write("shared.bin", [5, 6]);
        using var repository = _folder.Open();
        await repository.ScanAsync(CancellationToken.None);
        File.WriteAllBytes(Path.Combine(_folder.Root, Repository.StateDirectoryName, "junk"), [7]);

        var files = await repository.ScanAsync(CancellationToken.None);

        Assert.Equal("shared.bin", Assert.Single(files).Name);
    }

    [Fact]
    public async Task Names_the_rules_reject_are_skipped()
    {
        _folder.Write("ends with space ", [1]);
        _folder.Write("control\u0001char", [2]);
        _folder.Write("fine.txt", [3]);
        using var repository = _folder.Open();

        var files = await repository.ScanAsync(CancellationToken.None);

        Assert.Equal("fine.txt", Assert.Single(files).Name);
    }

    [Fact]
    public async Task Rescan_drops_removed_files_and_adds_new_ones()
    {
        string gone = _folder.Write("gone.bin", [1, 2]);
        using var repository = _folder.Open();
        var goneId = Assert.Single(await repository.ScanAsync(CancellationToken.None)).Id;

        File.Delete(gone);
        _folder.Write("new.bin", [3, 4]);
        var files = await repository.ScanAsync(CancellationToken.None);

        Assert.Equal("new.bin", Assert.Single(files).Name);
        Assert.False(repository.TryGet(goneId, out _));
        Assert.True(repository.TryGet(files[0].Id, out var found));
        Assert.Same(files[0], found);
    }

    [Fact]
    public async Task Rescan_keeps_the_same_object_for_an_unchanged_file()
    {
        _folder.Write("a.bin", [1, 2, 3]);
        using var repository = _folder.Open();
        var first = Assert.Single(await repository.ScanAsync(CancellationToken.None));

        var second = Assert.Single(await repository.ScanAsync(CancellationToken.None));

        Assert.Same(first, second);
    }

    [Fact]
    public async Task Corrupt_manifest_cache_is_ignored_and_rebuilt()
    {
        _folder.Write("a.bin", StorageTestFolder.Bytes(2000, 10));
        var first = _folder.Open(PieceLength);
        var id = Assert.Single(await first.ScanAsync(CancellationToken.None)).Id;
        first.Dispose();
        string cache = Path.Combine(_folder.Root, Repository.StateDirectoryName, "manifests");
        var bytes = File.ReadAllBytes(cache);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(cache, bytes);

        var second = _folder.Open(PieceLength);
        Assert.Equal(id, Assert.Single(await second.ScanAsync(CancellationToken.None)).Id);
        Assert.Equal(1, second.HashedFileCount);
        second.Dispose();

        using var third = _folder.Open(PieceLength);
        await third.ScanAsync(CancellationToken.None);
        Assert.Equal(0, third.HashedFileCount);
    }

    [Fact]
    public async Task Files_with_the_same_content_are_shared_once()
    {
        var data = StorageTestFolder.Bytes(1500, 11);
        _folder.Write("copy 1.bin", data);
        _folder.Write("copy 2.bin", data);
        using var repository = _folder.Open(PieceLength);

        var file = Assert.Single(await repository.ScanAsync(CancellationToken.None));

        Assert.Equal("copy 1.bin", file.Name);
    }

    [Fact]
    public async Task Shared_file_serves_its_pieces()
    {
        var data = StorageTestFolder.Bytes(2500, 12);
        _folder.Write("a.bin", data);
        using var repository = _folder.Open(PieceLength);
        var file = Assert.Single(await repository.ScanAsync(CancellationToken.None));
        var buffer = new byte[PieceLength];

        Assert.True(file.Has(2));
        Assert.False(file.Has(3));
        Assert.Equal(452, file.ReadPiece(2, buffer));
        Assert.Equal(data.AsSpan(2048).ToArray(), buffer.AsSpan(0, 452).ToArray());
    }

    [Fact]
    public async Task Symbolic_links_are_not_shared()
    {
        string outside = Path.Combine(Path.GetTempPath(), "p2pshare-outside-" + Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(outside, [1, 2, 3]);
        try
        {
            File.CreateSymbolicLink(Path.Combine(_folder.Root, "link.bin"), outside);
            _folder.Write("real.bin", [4]);
            using var repository = _folder.Open();

            Assert.Equal("real.bin", Assert.Single(await repository.ScanAsync(CancellationToken.None)).Name);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Fact]
    public async Task Named_pipes_and_sockets_are_skipped_without_being_opened()
    {
        if (!OperatingSystem.IsLinux())
            return;
        // Opening a named pipe to hash it blocks until some writer comes: the scan hung for ever.
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(_folder.Root, "pipe")))
            await mkfifo.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Path.Combine(_folder.Root, "sock")));
        _folder.Write("real.bin", [4]);
        using var repository = _folder.Open();

        var files = await repository.ScanAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("real.bin", Assert.Single(files).Name);
    }

    [Fact]
    public async Task File_with_more_pieces_than_the_protocol_allows_is_skipped()
    {
        _folder.Write("huge for its pieces.bin", new byte[300_000]);
        _folder.Write("ok.bin", [1]);
        using var repository = _folder.Open(pieceLength: 1);

        Assert.Equal("ok.bin", Assert.Single(await repository.ScanAsync(CancellationToken.None)).Name);
    }

    [Fact]
    public void Piece_length_override_outside_the_protocol_limits_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _folder.Open(pieceLength: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _folder.Open(pieceLength: 16 * 1024 * 1024));
    }

    [Fact]
    public void Repository_creates_its_folder_if_missing()
    {
        string root = Path.Combine(_folder.Root, "nested", "repo");
        using var repository = new Repository(root, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        Assert.True(Directory.Exists(Path.Combine(root, Repository.StateDirectoryName)));
        Assert.Equal(Path.GetFullPath(root), repository.Root);
    }
}
