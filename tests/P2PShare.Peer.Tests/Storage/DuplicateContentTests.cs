using P2PShare.Peer.Storage;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>One content under several names (empty files, copies): every name is kept, none is dropped.</summary>
public sealed class DuplicateContentTests : IDisposable
{
    private const int PieceLength = 1024;
    private readonly StorageTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_scan_keeps_every_name_of_one_content_as_a_copy()
    {
        var same = "same"u8.ToArray();
        _folder.Write("photos/empty1.txt", []);
        _folder.Write("photos/2025/sub dir/empty 2.txt", []);
        _folder.Write("vids/x/dup1.txt", same);
        _folder.Write("vids/x/dup2.txt", same);
        using var repository = _folder.Open(PieceLength);

        var files = await repository.ScanAsync(CancellationToken.None);

        var names = files.Select(f => f.Name).Concat(repository.Copies.Select(c => c.Name)).Order(StringComparer.Ordinal);
        Assert.Equal(["photos/2025/sub dir/empty 2.txt", "photos/empty1.txt", "vids/x/dup1.txt", "vids/x/dup2.txt"], names);
        Assert.Equal(2, files.Count);
        Assert.All(repository.Copies, c => Assert.Contains(files, f => f.Id == c.Id));
    }

    [Fact]
    public async Task A_copy_to_a_new_name_is_the_held_content_and_never_replaces_other_content()
    {
        var data = StorageTestFolder.Bytes(5000, 7);
        _folder.Write("a/original.bin", data);
        _folder.Write("b/taken.bin", StorageTestFolder.Bytes(5000, 8));
        using var repository = _folder.Open(PieceLength);
        var held = Assert.IsType<SharedFile>((await repository.ScanAsync(CancellationToken.None)).Single(f => f.Name == "a/original.bin"));

        var (fresh, freshThere) = repository.PlaceCopy(held, "c/d/copy.bin", CancellationToken.None);
        var (numbered, numberedThere) = repository.PlaceCopy(held, "b/taken.bin", CancellationToken.None);
        var (again, againThere) = repository.PlaceCopy(held, "b/taken.bin", CancellationToken.None);

        Assert.False(freshThere);
        Assert.Equal(data, File.ReadAllBytes(fresh));
        Assert.Equal(Path.Combine(_folder.Root, "b", "taken (2).bin"), numbered);
        Assert.False(numberedThere);
        Assert.Equal(data, File.ReadAllBytes(numbered));
        Assert.Equal(StorageTestFolder.Bytes(5000, 8), File.ReadAllBytes(Path.Combine(_folder.Root, "b", "taken.bin")));
        Assert.Equal((numbered, true), (again, againThere)); // asked again: found, not copied a third time
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_folder.Root, Repository.StateDirectoryName), "copy-*"));
    }
}
