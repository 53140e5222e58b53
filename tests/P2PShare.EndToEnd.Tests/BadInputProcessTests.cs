namespace P2PShare.EndToEnd.Tests;

/// <summary>Mistakes on the command line, through the real programs: one clear line and exit code 2, never a stack trace or a page of help.</summary>
public sealed class BadInputProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--port|70000", "error: --port 70000 is not a port: give 1-65535, or 0 for any free port")]
    [InlineData("--port|abc", "error: --port 'abc' is not a whole number")]
    [InlineData("--prot|12666", "error: Unrecognized command or argument '--prot'.")]
    [InlineData("--piece-length|0", "error: --piece-length 0 is not a piece length: give 1 to 8388608 bytes")]
    public async Task A_bad_option_gets_its_error_first_then_one_line_pointing_to_help(string arguments, string error)
    {
        using var folder = new TempFolder();
        using var peer = RunningProcess.Start("P2PShare.Peer", folder.Path, [.. arguments.Split('|'), "--repo", folder.Sub("p"), "--no-discovery"]);

        Assert.Equal(2, await peer.WaitForExitAsync(Deadline));
        Assert.Equal($"{error}\nRun with --help to see the commands and options.\n", peer.Errors.ReplaceLineEndings("\n"));
        Assert.Equal("", peer.Output);
    }

    [Fact]
    public async Task A_repo_that_is_a_regular_file_is_refused_in_one_line()
    {
        using var folder = new TempFolder();
        string file = TestFiles.Write(folder.Path, "notes.txt", "notes"u8.ToArray());
        using var peer = RunningProcess.Start("P2PShare.Peer", folder.Path, "serve", "--repo", file, "--no-discovery");

        Assert.Equal(2, await peer.WaitForExitAsync(Deadline));
        Assert.Equal($"error: --repo {file} is a file, not a folder: give the folder to share and download into\nRun with --help to see the commands and options.\n",
            peer.Errors.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task An_empty_repo_is_refused_in_one_line()
    {
        using var folder = new TempFolder();
        using var peer = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", "big.bin", "--repo", "", "--no-discovery");

        Assert.Equal(2, await peer.WaitForExitAsync(Deadline));
        Assert.Equal("error: --repo is empty: give the folder to share and download into\nRun with --help to see the commands and options.\n",
            peer.Errors.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("--port|abc", "error: --port 'abc' is not a whole number")]
    [InlineData("--port|70000", "error: --port 70000 is not a port: give 1-65535, or 0 for any free port")]
    [InlineData("--bogus", "error: Unrecognized command or argument '--bogus'.")]
    public async Task The_tracker_answers_a_bad_option_the_same_way(string arguments, string error)
    {
        using var folder = new TempFolder();
        using var tracker = RunningProcess.Start("P2PShare.Tracker", folder.Path, arguments.Split('|'));

        Assert.Equal(2, await tracker.WaitForExitAsync(Deadline));
        Assert.Equal($"{error}\nRun with --help to see the options.\n", tracker.Errors.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_repo_that_does_not_exist_is_created_and_the_user_told_it_shares_nothing_yet()
    {
        using var folder = new TempFolder();
        string repo = Path.Combine(folder.Path, "new", "shared");
        using var peer = RunningProcess.Start("P2PShare.Peer", folder.Path, "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--no-discovery");
        peer.Input.Close();

        Assert.Equal(0, await peer.WaitForExitAsync(Deadline));
        Assert.Contains($"Created {repo}: empty, nothing shared yet.", peer.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tracker_says_each_thing_once()
    {
        using var folder = new TempFolder();
        using var tracker = RunningProcess.Start("P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1", "--discovery-port", "0");
        await tracker.WaitForLineAsync("Ctrl+C stops it.", Deadline);

        string all = tracker.Output + "\n" + tracker.Errors;
        Assert.Single(all.Split('\n'), l => l.Contains("listening on", StringComparison.OrdinalIgnoreCase));
        Assert.Single(all.Split('\n'), l => l.Contains("discovery on", StringComparison.OrdinalIgnoreCase));
    }
}
