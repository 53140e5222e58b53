using System.Text.RegularExpressions;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// <c>get --seed-for</c>: a completed get serves the file (or, for <c>get dir/</c>, the folder, by the
/// single file's rule) on to the downloaders that still need it.
/// </summary>
public sealed partial class SeedForProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly (string Name, byte[] Content)[] Album =
    [
        ("album/big.bin", TestFiles.Random((1024 * 1024) + 5, seed: 44)),
        ("album/sub/small.txt", TestFiles.Random(3_000, seed: 45)),
    ];

    [Fact]
    public async Task A_get_with_seed_for_feeds_a_later_downloader_after_the_seeder_left_then_exits_0_once_nobody_fetches()
    {
        using var folder = new TempFolder();
        var content = TestFiles.Random((2 * 1024 * 1024) + 3, seed: 43);
        TestFiles.Write(folder.Sub("seeder"), "film.mkv", content);

        using var run = await FeedALaterDownloaderAsync(folder, "film.mkv");
        var (first, second) = (run.First, run.Second);
        Assert.Equal(0, await second.WaitForExitAsync(Deadline));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(folder.Sub("second"), "film.mkv")));
        Assert.Equal(0, await first.WaitForExitAsync(Deadline)); // well before its 120 s: nobody fetches any more
        Assert.Contains("Stopped serving: no other downloader is fetching from this peer.", first.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_get_with_seed_for_feeds_a_later_downloader_after_the_seeder_left_then_exits_0_once_nobody_fetches()
    {
        using var folder = new TempFolder();
        foreach (var (name, content) in Album)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder.Sub("seeder"), name))!);
            TestFiles.Write(folder.Sub("seeder"), name, content);
        }

        using var run = await FeedALaterDownloaderAsync(folder, "album/");
        var (first, second) = (run.First, run.Second);
        Assert.True(0 == await second.WaitForExitAsync(Deadline), $"{second.Output}\n{second.Errors}");
        foreach (var (name, content) in Album)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(folder.Sub("second"), name.Replace('/', Path.DirectorySeparatorChar))));
        Assert.Equal(0, await first.WaitForExitAsync(Deadline)); // well before its 120 s: nobody fetches any more
        Assert.Contains("Stopped serving: no other downloader is fetching from this peer.", first.Output, StringComparison.Ordinal);
    }

    // A tracker and a seeder of folder/seeder; a first get of `item` with --seed-for 120 completes, the seeder
    // leaves (so what comes next comes from the first get), and a second get of `item` starts.
    private static async Task<SeedForRun> FeedALaterDownloaderAsync(TempFolder folder, string item)
    {
        var tracker = RunningProcess.Start("P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1", "--discovery-port", "0");
        RunningProcess? first = null;
        try
        {
            string trackerAddress = TrackerAddress().Match(await tracker.WaitForLineAsync("listening on", Deadline)).Value;
            using (var seeder = RunningProcess.Start("P2PShare.Peer", folder.Path, "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("seeder"), "--tracker", trackerAddress))
            {
                await seeder.WaitForLineAsync("Sharing", Deadline);
                first = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", item, "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("first"),
                    "--tracker", trackerAddress, "--seed-for", "120");
                await first.WaitForLineAsync($"Serving '{item}' to the other downloaders", Deadline);
            }
            var second = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", item, "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("second"),
                "--tracker", trackerAddress);
            return new SeedForRun(tracker, first, second);
        }
        catch
        {
            first?.Dispose();
            tracker.Dispose();
            throw;
        }
    }

    private sealed record SeedForRun(RunningProcess Tracker, RunningProcess First, RunningProcess Second) : IDisposable
    {
        public void Dispose()
        {
            Second.Dispose();
            First.Dispose();
            Tracker.Dispose();
        }
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex TrackerAddress();
}
