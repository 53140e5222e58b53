using Microsoft.Extensions.Logging;
using P2PShare.Peer.Storage;
using P2PShare.Testing;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>Every regular file under the repository is shared under its relative path; links and special files are not followed.</summary>
public sealed class NestedScanTests : IDisposable
{
    private readonly StorageTestFolder _folder = new();
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "p2pshare-outside-" + Guid.NewGuid().ToString("N"));

    public NestedScanTests() => Directory.CreateDirectory(_outside);

    public void Dispose()
    {
        _folder.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    private void Write(string name, byte[] content)
    {
        string path = Path.Combine(_folder.Root, name.Replace('/', Path.DirectorySeparatorChar));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    [Fact]
    public async Task Files_in_nested_folders_are_shared_under_their_slash_separated_paths()
    {
        Write("top.txt", [1]);
        Write("photos/2025/beach.jpg", [2]);
        Write("photos/2025/sea.jpg", [3]);
        Write("photos/cover.png", [4]);
        Write("deep/a/b/c/d/e.bin", [5]);
        using var repository = _folder.Open();

        var files = await repository.ScanAsync(CancellationToken.None);

        Assert.Equal(["deep/a/b/c/d/e.bin", "photos/2025/beach.jpg", "photos/2025/sea.jpg", "photos/cover.png", "top.txt"], files.Select(f => f.Name));
        Assert.Equal(Path.Combine(_folder.Root, "photos", "2025", "sea.jpg"), files[2].FinalPath);
        Assert.All(files, f => Assert.True(f.IsComplete));
    }

    [Fact]
    public async Task Nested_files_come_from_the_manifest_cache_on_the_next_start()
    {
        Write("a/b/one.bin", StorageTestFolder.Bytes(3000, 1));
        Write("a/two.bin", StorageTestFolder.Bytes(3000, 2));
        using (var first = _folder.Open())
            Assert.Equal(2, (await first.ScanAsync(CancellationToken.None)).Count);
        using var second = _folder.Open();

        var files = await second.ScanAsync(CancellationToken.None);

        Assert.Equal(["a/b/one.bin", "a/two.bin"], files.Select(f => f.Name));
        Assert.Equal(0, second.HashedFileCount);
    }

    [Fact]
    public async Task A_symbolically_linked_folder_is_not_followed_and_says_so_once()
    {
        File.WriteAllBytes(Path.Combine(_outside, "secret.bin"), [9]);
        Directory.CreateSymbolicLink(Path.Combine(_folder.Root, "linked"), _outside);
        Write("real/x.bin", [1]);
        var logger = new ListLogger();
        using var repository = _folder.Open(logger: logger);

        var files = await repository.ScanAsync(CancellationToken.None);

        Assert.Equal("real/x.bin", Assert.Single(files).Name);
        Assert.Single(logger.Lines, l => l.Text.Contains("'linked'", StringComparison.Ordinal) && l.Text.Contains("symbolic link", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, l => l.Text.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hidden_folders_are_not_shared_at_any_depth()
    {
        Write("a/.git/config", [1]);
        Write("a/.p2pshare/x", [2]);
        Write("a/shown.txt", [3]);
        using var repository = _folder.Open();

        Assert.Equal("a/shown.txt", Assert.Single(await repository.ScanAsync(CancellationToken.None)).Name);
    }

    [Fact]
    public async Task Each_hidden_file_and_folder_is_skipped_with_one_line_but_our_own_state_folder_is_not_mentioned()
    {
        Write(".hid/x", [1]);
        Write(".x", [2]);
        Write("a/.y", [3]);
        Write("a/shown.txt", [4]);
        var logger = new ListLogger();
        using var repository = _folder.Open(logger: logger);

        Assert.Equal("a/shown.txt", Assert.Single(await repository.ScanAsync(CancellationToken.None)).Name);
        var skipped = logger.Lines.Where(l => l.Level == LogLevel.Warning && l.Text.Contains("hidden", StringComparison.Ordinal)).Select(l => l.Text).ToList();
        Assert.Equal(3, skipped.Count);
        Assert.Single(skipped, t => t.StartsWith("Not sharing the folder '.hid' or anything in it", StringComparison.Ordinal));
        Assert.Single(skipped, t => t.StartsWith("Not sharing '.x'", StringComparison.Ordinal));
        Assert.Single(skipped, t => t.StartsWith("Not sharing 'a/.y'", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, l => l.Text.Contains(".p2pshare", StringComparison.Ordinal) || l.Text.Contains(".hid/x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Names_differing_only_in_case_or_normalization_are_both_shared_with_one_line_per_pair()
    {
        string nfc = "caf\u00e9.txt", nfd = "cafe\u0301.txt";
        Write("docs/Case.txt", [1]);
        Write("docs/case.txt", [2]);
        Write("docs/" + nfc, [3]);
        Write("docs/" + nfd, [4]);
        Write("docs/other.txt", [5]);
        var logger = new ListLogger();
        using var repository = _folder.Open(logger: logger);

        Assert.Equal(5, (await repository.ScanAsync(CancellationToken.None)).Count);
        var lines = logger.Lines.Where(l => l.Level == LogLevel.Warning && l.Text.Contains("differ only in case or Unicode normalization", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 2, string.Join(" | ", logger.Lines.Select(l => l.Text)));
        Assert.Single(lines, l => l.Text.Contains("'docs/Case.txt' and 'docs/case.txt'", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Text.Contains(nfc, StringComparison.Ordinal) && l.Text.Contains(nfd, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_folder_whose_name_is_not_portable_is_skipped_with_one_line()
    {
        Write("con/x.txt", [1]);
        Write("ok/x.txt", [2]);
        var logger = new ListLogger();
        using var repository = _folder.Open(logger: logger);

        Assert.Equal("ok/x.txt", Assert.Single(await repository.ScanAsync(CancellationToken.None)).Name);
        Assert.Single(logger.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("folder 'con'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Named_pipes_in_subfolders_are_skipped_without_being_opened()
    {
        if (!OperatingSystem.IsLinux())
            return;
        Directory.CreateDirectory(Path.Combine(_folder.Root, "sub"));
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", Path.Combine(_folder.Root, "sub", "pipe")))
            await mkfifo.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Write("sub/real.bin", [4]);
        var logger = new ListLogger();
        using var repository = _folder.Open(logger: logger);

        var files = await repository.ScanAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("sub/real.bin", Assert.Single(files).Name);
        Assert.Single(logger.Lines, l => l.Text.Contains("'sub/pipe'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Folders_nested_past_the_depth_limit_are_skipped()
    {
        string deep = string.Join('/', Enumerable.Repeat("d", 31));
        Write(deep + "/fits.bin", [1]);
        Write(deep + "/d/too-deep.bin", [2]);
        using var repository = _folder.Open();

        Assert.Equal(deep + "/fits.bin", Assert.Single(await repository.ScanAsync(CancellationToken.None)).Name);
    }
}
