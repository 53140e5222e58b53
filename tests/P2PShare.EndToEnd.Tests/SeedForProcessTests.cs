using System.Text.RegularExpressions;

namespace P2PShare.EndToEnd.Tests;

/// <summary><c>get --seed-for</c>: a completed get serves the file on to the downloaders that still need it.</summary>
public sealed partial class SeedForProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_get_with_seed_for_feeds_a_later_downloader_after_the_seeder_left_then_exits_0_once_nobody_fetches()
    {
        using var folder = new TempFolder();
        var content = TestFiles.Random((2 * 1024 * 1024) + 3, seed: 43);
        TestFiles.Write(folder.Sub("seeder"), "film.mkv", content);
        using var tracker = RunningProcess.Start("P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1", "--discovery-port", "0");
        string trackerAddress = TrackerAddress().Match(await tracker.WaitForLineAsync("listening on", Deadline)).Value;
        using var seeder = RunningProcess.Start("P2PShare.Peer", folder.Path, "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("seeder"), "--tracker", trackerAddress);
        await seeder.WaitForLineAsync("Sharing", Deadline);

        using var first = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", "film.mkv", "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("first"),
            "--tracker", trackerAddress, "--seed-for", "120");
        await first.WaitForLineAsync("Serving 'film.mkv' to the other downloaders", Deadline);
        seeder.Dispose(); // the only other copy is gone: what comes next comes from the first get
        using var second = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", "film.mkv", "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("second"),
            "--tracker", trackerAddress);

        Assert.Equal(0, await second.WaitForExitAsync(Deadline));
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(folder.Sub("second"), "film.mkv")));
        Assert.Equal(0, await first.WaitForExitAsync(Deadline)); // well before its 120 s: nobody fetches any more
        Assert.Contains("Stopped serving: no other downloader is fetching from this peer.", first.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex TrackerAddress();
}
