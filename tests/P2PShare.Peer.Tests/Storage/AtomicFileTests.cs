using P2PShare.Peer.Storage;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>
/// The directory flush after the rename runs. Whether the rename then survives a power cut cannot be
/// observed from a test (that needs the power cut); these only prove the call path works and fails loudly.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly StorageTestFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_directory_of_a_replaced_file_is_flushed_on_Linux_and_macOS()
    {
        string path = Path.Combine(_folder.Root, "x.state");
        AtomicFile.Write(path, [1, 2, 3]);
        AtomicFile.Write(path, [4, 5]);

        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.False(File.Exists(path + AtomicFile.TempSuffix));
        Assert.Equal(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), AtomicFile.SyncDirectory(_folder.Root));
    }

    [Fact]
    public void Flushing_a_directory_that_does_not_exist_throws_IOException()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return; // nothing is flushed elsewhere
        Assert.Throws<IOException>(() => AtomicFile.SyncDirectory(Path.Combine(_folder.Root, "missing")));
    }
}
