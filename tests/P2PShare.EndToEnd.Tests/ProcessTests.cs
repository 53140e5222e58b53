using System.Text.RegularExpressions;

namespace P2PShare.EndToEnd.Tests;

/// <summary>The real programs as separate processes, the way people run them.</summary>
public sealed partial class ProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Commands_piped_into_a_peer_download_a_file_from_a_serving_peer()
    {
        using var folder = new TempFolder();
        var content = TestFiles.Random(3 * 1024 * 1024 + 7, seed: 42);
        var seederRepo = folder.Sub("seeder");
        var leecherRepo = folder.Sub("leecher");
        TestFiles.Write(seederRepo, "holiday photos.zip", content);

        using var tracker = RunningProcess.Start("P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1", "--discovery-port", "0");
        var listening = await tracker.WaitForLineAsync("listening on", Deadline);
        string trackerAddress = TrackerAddress().Match(listening).Value;
        Assert.False(string.IsNullOrEmpty(trackerAddress), listening);

        using var seeder = RunningProcess.Start("P2PShare.Peer", folder.Path, "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", seederRepo, "--tracker", trackerAddress);
        await seeder.WaitForLineAsync("Sharing", Deadline);

        using var leecher = RunningProcess.Start("P2PShare.Peer", folder.Path, "--port", "0", "--bind", "127.0.0.1", "--repo", leecherRepo);
        await leecher.Input.WriteLineAsync($"start {trackerAddress}");
        await leecher.Input.WriteLineAsync("list");
        await leecher.Input.WriteLineAsync("request \"holiday photos.zip\"");
        await leecher.Input.WriteLineAsync("wait");
        await leecher.Input.WriteLineAsync("end");
        leecher.Input.Close();

        Assert.Equal(0, await leecher.WaitForExitAsync(Deadline));
        await leecher.WaitForLineAsync("Downloaded 'holiday photos.zip'", Deadline);
        Assert.Contains("from 1 peer", leecher.Output, StringComparison.Ordinal);
        Assert.Contains("holiday photos.zip", leecher.Output, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(leecherRepo, "holiday photos.zip")));
    }

    [Fact]
    public async Task Get_exits_non_zero_with_a_reason_for_a_file_nobody_has()
    {
        using var folder = new TempFolder();
        using var tracker = RunningProcess.Start("P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1", "--discovery-port", "0");
        string trackerAddress = TrackerAddress().Match(await tracker.WaitForLineAsync("listening on", Deadline)).Value;

        using var getter = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", "no-such-file.txt", "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("g"), "--tracker", trackerAddress);

        Assert.NotEqual(0, await getter.WaitForExitAsync(Deadline));
        Assert.Contains("no file named 'no-such-file.txt'", getter.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "30", "--reconnect-delay 0 is not a wait")]
    [InlineData("10", "5", "--reconnect-max-delay 5 must be at least --reconnect-delay (10)")]
    [InlineData("NaN", "30", "--reconnect-delay NaN is not a wait")]
    public async Task A_reconnect_delay_out_of_range_is_refused_with_exit_code_2_and_a_reason(string first, string longest, string reason)
    {
        using var folder = new TempFolder();
        using var peer = RunningProcess.Start("P2PShare.Peer", folder.Path, "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("p"),
            "--no-discovery", "--reconnect-delay", first, "--reconnect-max-delay", longest);

        Assert.Equal(2, await peer.WaitForExitAsync(Deadline));
        Assert.Contains(reason, peer.Errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--holder-wait", "0", "--holder-wait 0 is not a wait in seconds from 0.1 to 86400")]
    [InlineData("--holder-wait", "NaN", "--holder-wait NaN is not a wait")]
    [InlineData("--max-holder-connections", "0", "--max-holder-connections 0 is not from 1 to 10000")]
    [InlineData("--seed-for", "-1", "--seed-for -1 is not a number of seconds from 0 to 86400")]
    public async Task A_holder_limit_out_of_range_is_refused_with_a_reason(string option, string value, string reason)
    {
        using var folder = new TempFolder();
        using var peer = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", "big.bin", "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("p"),
            "--no-discovery", option, value);

        Assert.NotEqual(0, await peer.WaitForExitAsync(Deadline));
        Assert.Contains(reason, peer.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task End_of_input_ends_the_command_loop_and_a_command_that_failed_makes_the_exit_code_1()
    {
        using var folder = new TempFolder();
        using var peer = RunningProcess.Start("P2PShare.Peer", folder.Path, "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("p"));
        await peer.Input.WriteLineAsync("strat");
        await peer.Input.WriteLineAsync("help");
        peer.Input.Close();

        // A script piping commands must see that one was refused, as it sees a failed download.
        Assert.Equal(1, await peer.WaitForExitAsync(Deadline));
        Assert.Contains("Did you mean `start`?", peer.Output, StringComparison.Ordinal);
        Assert.Contains("request <file>", peer.Output, StringComparison.Ordinal);
        Assert.Contains("Bye", peer.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex TrackerAddress();
}
