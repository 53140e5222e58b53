using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>A folder's small files are written aside, then flushed and placed a batch at a time: a crash before that leaves no half file under a final name.</summary>
public sealed class WholeFilesTests : IDisposable
{
    private readonly StorageTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static (byte[] Data, Manifest Manifest) File(int length, int seed)
    {
        var data = StorageTestFolder.Bytes(length, seed);
        return (data, StorageTestFolder.ManifestOf(data, 64 * 1024));
    }

    [Fact]
    public void A_written_file_is_under_no_final_name_until_its_batch_is_committed_then_it_is_there_and_held()
    {
        var repository = _folder.Open();
        var (data, manifest) = File(5000, 1);
        var pending = repository.WholeFiles.Write("a/b/x.bin", manifest, data);

        Assert.False(System.IO.File.Exists(Path.Combine(_folder.Root, "a", "b", "x.bin")));
        Assert.StartsWith(Path.Combine(_folder.Root, Repository.StateDirectoryName, "incoming"), pending.TempPath, StringComparison.Ordinal);

        var placed = Assert.Single(repository.WholeFiles.Commit([pending]));
        Assert.NotNull(placed.Done);
        Assert.Single(repository.AddFetched([placed.Done]));
        Assert.Equal(data, System.IO.File.ReadAllBytes(Path.Combine(_folder.Root, "a", "b", "x.bin")));
        Assert.False(System.IO.File.Exists(pending.TempPath));
        Assert.True(repository.TryGet(manifest.Id, out var held) && held is { IsComplete: true });
    }

    [Fact]
    public void A_batch_never_overwrites_a_different_file_and_a_name_it_cannot_use_is_reported_not_thrown()
    {
        var repository = _folder.Open();
        var (data, manifest) = File(3000, 2);
        var (other, otherManifest) = File(4000, 3);
        _folder.Write("taken.bin", [1, 2, 3]);
        var results = repository.WholeFiles.Commit([
            repository.WholeFiles.Write("taken.bin", manifest, data),
            repository.WholeFiles.Write("taken.bin/inner.bin", otherManifest, other),
        ]);

        Assert.Equal([1, 2, 3], System.IO.File.ReadAllBytes(Path.Combine(_folder.Root, "taken.bin")));
        Assert.Equal(data, System.IO.File.ReadAllBytes(Path.Combine(_folder.Root, "taken (2).bin")));
        var failed = Assert.Single(results, r => r.Done is null);
        Assert.NotNull(failed.Error);
        Assert.False(System.IO.File.Exists(failed.File.TempPath));
    }

    [Fact]
    public void Temporary_files_a_killed_process_left_are_removed_and_a_live_ones_kept()
    {
        var repository = _folder.Open();
        var (data, manifest) = File(1000, 4);
        var ours = repository.WholeFiles.Write("x.bin", manifest, data);
        string incoming = Path.GetDirectoryName(ours.TempPath)!;
        string dead = Path.Combine(incoming, $"{manifest.Id}.{int.MaxValue - 1}.1.tmp"); // no such process
        System.IO.File.WriteAllBytes(dead, data);

        repository.WholeFiles.RemoveLeftovers();

        Assert.False(System.IO.File.Exists(dead));
        Assert.True(System.IO.File.Exists(ours.TempPath));
    }
}
