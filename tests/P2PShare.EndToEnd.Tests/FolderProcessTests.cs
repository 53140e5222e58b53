using P2PShare.Peer;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>`get FOLDER/` as a real process: killed with SIGKILL mid-folder, the same command finishes it; run again, it fetches nothing.</summary>
public sealed class FolderProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Get_of_a_folder_killed_with_SIGKILL_is_finished_by_the_same_command_and_a_third_run_fetches_nothing()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var files = new (string Name, byte[] Content)[]
        {
            ("album/big.bin", TestFiles.Random(32 * 64 * 1024 + 999, seed: 60)), // 33 pieces
            ("album/a.txt", TestFiles.Random(100_000, seed: 61)),
            ("album/sub/deeper/c.bin", TestFiles.Random(140_000, seed: 62)),
        };
        var seederOptions = net.Options("seeder");
        foreach (var (name, content) in files)
        {
            string path = Path.Combine(seederOptions.RepositoryPath!, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
        }
        var gate = new PieceGate(free: 10);
        int served = 0;
        await net.StartPeerAsync(seederOptions, parts: new PeerParts
        {
            ServeThrough = GatedPieces.Wrap(ct =>
            {
                Interlocked.Increment(ref served);
                return gate.WaitAsync(ct);
            }),
        });
        string repo = net.Folder.Sub("getter");
        // The seeders' piece length: a file the getter finds already in its folder is then hashed to the network's id by
        // its own scan. (Under another piece length it is rehashed in the network's pieces before a fetch: FolderAlreadyPresentTests.)
        string[] get = ["get", "album/", "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", net.TrackerAddress, "--piece-length", "65536"];

        using (var first = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
        {
            await first.WaitForLineAsync("Downloading folder 'album/' (3 files", Deadline);
            await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref served) > 10), "the free pieces are served and the rest wait", Deadline);
            await first.KillAsync(Deadline);
        }
        Assert.False(File.Exists(Path.Combine(repo, "album", "big.bin")));
        gate.Open();

        using (var second = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
        {
            Assert.True(0 == await second.WaitForExitAsync(Deadline), $"{second.Output}\n{second.Errors}");
            await second.WaitForLineAsync("Folder 'album/' complete: 3 files", Deadline); // the output is read apart from the exit
        }
        foreach (var (name, content) in files)
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(repo, name)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(repo, ".p2pshare", "downloads")));

        using var third = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get);
        Assert.True(0 == await third.WaitForExitAsync(Deadline), $"{third.Output}\n{third.Errors}");
        var summary = await third.WaitForLineAsync("Folder 'album/' complete: ", Deadline);
        Assert.True(summary.StartsWith("Folder 'album/' complete: 3 files, 0 fetched, 3 already present", StringComparison.Ordinal), $"{third.Output}\n{third.Errors}");
    }

    [Fact]
    public async Task Get_of_a_batch_of_small_files_killed_with_SIGKILL_leaves_only_whole_files_and_the_same_command_finishes_it()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var files = Enumerable.Range(0, 60).Select(i => ($"small/{i % 3}/f{i:D2}.bin", TestFiles.Random(20_000 + i, seed: 70 + i))).ToArray();
        var seederOptions = net.Options("seeder");
        foreach (var (name, content) in files)
        {
            string path = Path.Combine(seederOptions.RepositoryPath!, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
        }
        var gate = new PieceGate(free: 20);
        await net.StartPeerAsync(seederOptions, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(gate.WaitAsync) });
        string repo = net.Folder.Sub("getter");
        string[] get = ["get", "small/", "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", net.TrackerAddress];
        string Local(string name) => Path.Combine(repo, name.Replace('/', Path.DirectorySeparatorChar));

        using (var first = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
        {
            await first.WaitForLineAsync("Downloading folder 'small/' (60 files", Deadline);
            await Eventually.TrueAsync(() => Task.FromResult(files.Any(f => File.Exists(Local(f.Item1)))), "a first batch is placed", Deadline);
            await first.KillAsync(Deadline);
        }
        var placed = files.Where(f => File.Exists(Local(f.Item1))).ToList();
        Assert.InRange(placed.Count, 1, 20);
        foreach (var (name, content) in placed)
            Assert.Equal(content, File.ReadAllBytes(Local(name))); // whole and verified, never a half file under its name
        gate.Open();

        using (var second = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, get))
        {
            Assert.True(0 == await second.WaitForExitAsync(Deadline), $"{second.Output}\n{second.Errors}");
            await second.WaitForLineAsync("Folder 'small/' complete: 60 files", Deadline);
        }
        foreach (var (name, content) in files)
            Assert.Equal(content, File.ReadAllBytes(Local(name)));
        string incoming = Path.Combine(repo, ".p2pshare", "incoming");
        Assert.True(!Directory.Exists(incoming) || !Directory.EnumerateFiles(incoming).Any(), "the killed run's temporary files are gone");
    }

    [Fact]
    public async Task Get_of_a_folder_nobody_lists_exits_2_with_one_line()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        string repo = net.Folder.Sub("getter");

        using var get = RunningProcess.Start("P2PShare.Peer", net.Folder.Path, "get", "nothing/", "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", net.TrackerAddress);

        Assert.Equal(2, await get.WaitForExitAsync(Deadline));
        Assert.Contains("error: no file under 'nothing/' in the network", get.Errors, StringComparison.Ordinal);
    }
}
