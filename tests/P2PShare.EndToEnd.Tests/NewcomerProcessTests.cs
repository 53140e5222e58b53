using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace P2PShare.EndToEnd.Tests;

/// <summary>A newcomer's first runs, as real processes: default folders, piped commands, Ctrl+C.</summary>
public sealed partial class NewcomerProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private sealed record Swarm(TempFolder Folder, RunningProcess Tracker, RunningProcess Seeder, string TrackerAddress, byte[] Content) : IDisposable
    {
        public void Dispose()
        {
            Seeder.Dispose();
            Tracker.Dispose();
            Folder.Dispose();
        }
    }

    // A tracker and a seeder of big.bin (64 KiB pieces), serving at most `mbps` MB/s so a download stays under way a while.
    private static async Task<Swarm> StartSwarmAsync(int length, double mbps)
    {
        var folder = new TempFolder();
        var content = TestFiles.Random(length, seed: 7);
        var seederRepo = folder.Sub("seeder");
        TestFiles.Write(seederRepo, "big.bin", content);
        var tracker = RunningProcess.Start("P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1", "--discovery-port", "0");
        string address = TrackerAddress().Match(await tracker.WaitForLineAsync("listening on", Deadline)).Value;
        var seeder = RunningProcess.Start("P2PShare.TestPeer", folder.Path, "--serve-mbps", mbps.ToString(CultureInfo.InvariantCulture),
            "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", seederRepo, "--tracker", address, "--piece-length", "65536");
        await seeder.WaitForLineAsync("Sharing", Deadline);
        return new Swarm(folder, tracker, seeder, address, content);
    }

    private static void Interrupt(RunningProcess process)
    {
        using var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    [Fact]
    public async Task Ctrl_C_during_get_before_the_download_began_says_so_and_exits_130()
    {
        using var folder = new TempFolder();
        // A "tracker" that takes the connection and never answers: get is still joining when Ctrl+C comes.
        using var mute = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        mute.Start();
        int port = ((System.Net.IPEndPoint)mute.LocalEndpoint).Port;
        using var getter = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", "huge.bin", "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("g"),
            "--tracker", $"127.0.0.1:{port}");
        using var joining = await mute.AcceptTcpClientAsync().WaitAsync(Deadline);

        Interrupt(getter);

        Assert.Equal(130, await getter.WaitForExitAsync(Deadline));
        Assert.Contains("Stopped before 'huge.bin' began downloading; nothing was written.", getter.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Piped_commands_finish_the_download_under_way_when_input_ends()
    {
        using var swarm = await StartSwarmAsync(2 * 1024 * 1024, mbps: 1);
        var repo = swarm.Folder.Sub("leecher");
        using var leecher = RunningProcess.Start("P2PShare.Peer", swarm.Folder.Path, "--port", "0", "--bind", "127.0.0.1", "--repo", repo);
        await leecher.Input.WriteLineAsync($"start {swarm.TrackerAddress}");
        await leecher.Input.WriteLineAsync("request big.bin");
        leecher.Input.Close();

        Assert.Equal(0, await leecher.WaitForExitAsync(Deadline));
        Assert.Contains("End of input: waiting for the 1 download under way to end", leecher.Output, StringComparison.Ordinal);
        Assert.Equal(swarm.Content, File.ReadAllBytes(Path.Combine(repo, "big.bin")));
    }

    [Fact]
    public async Task Ctrl_C_during_wait_returns_to_the_prompt_and_the_peer_goes_on()
    {
        using var swarm = await StartSwarmAsync(4 * 1024 * 1024, mbps: 0.2);
        using var leecher = RunningProcess.Start("P2PShare.Peer", swarm.Folder.Path, "--port", "0", "--bind", "127.0.0.1", "--repo", swarm.Folder.Sub("leecher"));
        await leecher.Input.WriteLineAsync($"start {swarm.TrackerAddress}");
        await leecher.Input.WriteLineAsync("request big.bin");
        await leecher.Input.WriteLineAsync("wait");
        await leecher.Input.FlushAsync();
        await leecher.WaitForLineAsync("Waiting for 1 download under way", Deadline);

        Interrupt(leecher);
        await leecher.WaitForLineAsync("Stopped waiting; the downloads go on", Deadline);
        await leecher.Input.WriteLineAsync("status");
        await leecher.Input.WriteLineAsync("stop");
        await leecher.Input.WriteLineAsync("end");
        leecher.Input.Close();

        Assert.Equal(0, await leecher.WaitForExitAsync(Deadline));
        // Still answering after Ctrl+C: the status line, then the download stopped by `stop`.
        string after = leecher.Output[leecher.Output.IndexOf("Stopped waiting", StringComparison.Ordinal)..];
        Assert.Contains("\nbig.bin", after, StringComparison.Ordinal);
        Assert.Contains("Stopped 'big.bin'", after, StringComparison.Ordinal);
        Assert.Contains("Bye", leecher.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_at_the_prompt_leaves_as_end_does_with_exit_code_130()
    {
        using var folder = new TempFolder();
        using var peer = RunningProcess.Start("P2PShare.Peer", folder.Path, "--port", "0", "--bind", "127.0.0.1", "--repo", folder.Sub("p"), "--no-discovery");
        await peer.WaitForLineAsync("Type `help` for commands.", Deadline);

        Interrupt(peer);

        Assert.Equal(130, await peer.WaitForExitAsync(Deadline)); // as README promises after Ctrl+C, and shells expect after SIGINT
        Assert.Contains("Leaving the network. Bye.", peer.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_saves_into_the_current_folder_says_what_Ctrl_C_kept_and_resumes_when_run_again()
    {
        using var swarm = await StartSwarmAsync(4 * 1024 * 1024, mbps: 0.5);
        string here = swarm.Folder.Sub("downloads here");
        TestFiles.Write(here, "private.txt", "not to be shared"u8.ToArray());
        string[] get = ["get", "big.bin", "--port", "0", "--bind", "127.0.0.1", "--tracker", swarm.TrackerAddress];

        using (var first = RunningProcess.Start("P2PShare.Peer", here, get))
        {
            await first.WaitForLineAsync(" pieces  ", Deadline); // the first progress line: some pieces are verified
            Interrupt(first);
            Assert.Equal(130, await first.WaitForExitAsync(Deadline));
            var stopped = await first.WaitForLineAsync("Stopped 'big.bin': ", Deadline);
            Assert.Matches(@"^Stopped 'big\.bin': \d+ of 64 pieces verified and kept .*; run the same command again to resume\.$", stopped);
            Assert.Contains($"into {here}", first.Output, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(Path.Combine(here, "big.bin")));

        using (var again = RunningProcess.Start("P2PShare.Peer", here, get))
        {
            Assert.Equal(0, await again.WaitForExitAsync(Deadline));
            Assert.Matches(@"Resuming 'big\.bin': [1-9]\d* of 64 pieces already verified\.", again.Output);
        }
        Assert.Equal(swarm.Content, File.ReadAllBytes(Path.Combine(here, "big.bin")));
        // Only the file fetched was hashed and shared from the current folder, never what else is in it.
        Assert.Equal(["big.bin", "private.txt"], Directory.GetFiles(here).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        string cache = Path.Combine(here, ".p2pshare", "manifests");
        Assert.True(!File.Exists(cache) || File.ReadAllBytes(cache).AsSpan().IndexOf("private.txt"u8) < 0, "private.txt was hashed");
    }

    [Fact]
    public async Task Without_repo_the_command_loop_shares_one_fixed_folder_under_the_data_home()
    {
        using var folder = new TempFolder();
        string dataHome = folder.Sub("data");
        var environment = new Dictionary<string, string> { ["XDG_DATA_HOME"] = dataHome };
        string shared = Path.Combine(dataHome, "p2pshare", "shared");

        foreach (int run in new[] { 1, 2 })
        {
            using var peer = RunningProcess.StartWith(environment, "P2PShare.Peer", folder.Path, "--port", "0", "--bind", "127.0.0.1", "--no-discovery");
            peer.Input.Close();
            Assert.Equal(0, await peer.WaitForExitAsync(Deadline));
            Assert.Contains($"from {shared} (0 files)", peer.Output, StringComparison.Ordinal);
            Assert.Equal(run == 1, peer.Output.Contains($"Created {shared}", StringComparison.Ordinal));
        }
        Assert.Equal(["data"], Directory.GetDirectories(folder.Path).Select(Path.GetFileName));
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex TrackerAddress();
}
