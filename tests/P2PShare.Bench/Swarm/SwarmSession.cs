using System.Globalization;

namespace P2PShare.Bench.Swarm;

/// <summary>
/// A real swarm on 127.0.0.1 in a temporary folder: the tracker and the seeders as processes, a
/// random source file hard-linked into every seeder's repository, and downloaders (<c>get</c>)
/// started on demand into fresh repositories. Disposing kills the processes and deletes the folder.
/// </summary>
internal sealed class SwarmSession : IDisposable
{
    public const string FileName = "swarm.bin";
    private readonly SwarmSettings _settings;
    private readonly List<BenchProcess> _servers = [];
    private readonly HashSet<string> _seederEndpoints = new(StringComparer.Ordinal);
    private string _tracker = "";
    private int _downloads;

    public SwarmSession(SwarmSettings settings)
    {
        _settings = settings;
        RemoveLeftovers(settings.TempRoot);
        Root = Path.Combine(settings.TempRoot, $"p2pshare-swarm-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(Root);
        Source = Path.Combine(Root, "source", FileName);
    }

    public string Root { get; }

    public string Source { get; }

    public IReadOnlySet<string> SeederEndpoints => _seederEndpoints;

    // On the command line rather than inherited, so an open and a secret session can run side by side.
    private string[] SecretArgs => _settings.Secret is { } secret ? ["--secret", secret] : [];

    // A benchmark killed with SIGKILL could not delete its folder (a source file and a copy per seeder):
    // those of benchmarks no longer running go now.
    private static void RemoveLeftovers(string tempRoot)
    {
        if (!Directory.Exists(tempRoot))
            return;
        foreach (var dir in Directory.EnumerateDirectories(tempRoot, "p2pshare-swarm-*").Where(Leftovers.OfGoneBenchmark))
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's, or in use: left as it is.
            }
        }
    }

    /// <summary>Writes the random file and starts the tracker.</summary>
    public async Task StartTrackerAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Source)!);
        BenchFiles.WriteRandom(Source, _settings.SizeBytes);
        var tracker = Started(BenchProcess.Start("tracker", _settings.ProgramsFolder, "P2PShare.Tracker", ["--port", "0", "--host", "127.0.0.1", "--log-level", "Warning", .. SecretArgs]));
        string line = await tracker.WaitForLineAsync("listening on", _settings.Timeout);
        _tracker = line[(line.LastIndexOf(' ') + 1)..];
    }

    /// <summary>
    /// Hard-links the source into the repository of every seeder <paramref name="names"/> lists, before
    /// any of them starts: a new link changes the file's change time, which a running seeder's stamp
    /// includes, so it would take the file for edited and stop sharing it (only the last seeder served).
    /// </summary>
    public void LinkSeeders(IEnumerable<string> names)
    {
        foreach (string name in names)
            BenchFiles.Link(Source, Path.Combine(Root, name, FileName));
    }

    /// <summary>
    /// Starts a seeder with its own hard-linked copy (made now unless <see cref="LinkSeeders"/> made it);
    /// <paramref name="throttleMbps"/> above 0 slows its serving, by running the test host
    /// (<see cref="BenchPrograms.TestPeer"/>) instead of the peer.
    /// </summary>
    public async Task<string> StartSeederAsync(string name, double throttleMbps = 0)
    {
        string repo = Path.Combine(Root, name);
        BenchFiles.Link(Source, Path.Combine(repo, FileName));
        var args = new List<string>();
        if (throttleMbps > 0)
            args.AddRange(["--serve-mbps", throttleMbps.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["serve", "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", _tracker, "--log-level", "Warning", .. SecretArgs]);
        if (_settings.PieceLength is int pieceLength)
            args.AddRange(["--piece-length", pieceLength.ToString(CultureInfo.InvariantCulture)]);
        string program = throttleMbps > 0 ? BenchPrograms.TestPeer : "P2PShare.Peer";
        var seeder = Started(BenchProcess.Start(name, _settings.ProgramsFolder, program, [.. args]));
        string line = await seeder.WaitForLineAsync("Sharing", _settings.Timeout);
        string endpoint = PeerOutput.ServingEndpoint(line);
        _seederEndpoints.Add(endpoint);
        return endpoint;
    }

    /// <summary>Stops the seeder started as <paramref name="name"/> (killed, as a crash or power cut would).</summary>
    public void StopSeeder(string name)
    {
        foreach (var p in _servers.Where(p => p.Name == name).ToList())
        {
            p.Dispose();
            _servers.Remove(p);
        }
    }

    /// <summary>
    /// Starts <paramref name="count"/> downloaders together, waits for all, verifies every result
    /// byte for byte, deletes them (disk space) and returns their figures.
    /// </summary>
    public async Task<IReadOnlyList<DownloadFigures>> DownloadAsync(int count)
    {
        var repos = Enumerable.Range(0, count).Select(_ => Path.Combine(Root, $"downloader{++_downloads}")).ToList();
        double serverCpuBefore = _servers.Sum(s => s.CpuSeconds);
        var running = repos.Select(repo =>
        {
            Directory.CreateDirectory(repo);
            return BenchProcess.Start(Path.GetFileName(repo), _settings.ProgramsFolder, "P2PShare.Peer",
                ["get", FileName, "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", _tracker, "--log-level", "Warning", .. SecretArgs, .. _settings.DownloaderArgs]);
        }).ToList();
        try
        {
            var exits = await Task.WhenAll(running.Select(p => p.WaitForExitAsync(_settings.Timeout)));
            await Task.Delay(50); // one more CPU sample of the servers (taken every 20 ms)
            double serverCpu = _servers.Sum(s => s.CpuSeconds) - serverCpuBefore;
            var figures = new List<DownloadFigures>();
            for (int i = 0; i < count; i++)
            {
                var p = running[i];
                if (exits[i] != 0)
                    throw new InvalidOperationException($"{p.Name} exited {exits[i]}.\nstdout:\n{p.Output}\nstderr:\n{p.Errors}");
                string result = Path.Combine(repos[i], FileName);
                if (!BenchFiles.SameContent(Source, result))
                    throw new InvalidOperationException($"{p.Name}: {result} differs from the source");
                var pieces = PeerOutput.PiecesByPeer(p.Output);
                figures.Add(new DownloadFigures(p.Wall, p.Wall - (p.LineTime("Downloading") ?? TimeSpan.Zero), p.PeakRssMib, p.CpuSeconds, pieces, serverCpu));
            }
            return figures;
        }
        finally
        {
            foreach (var p in running)
                p.Dispose();
            foreach (var repo in repos)
                Directory.Delete(repo, recursive: true);
        }
    }

    /// <summary>The baseline copy of the source over plain TCP (<see cref="PlainTcpCopy"/>); the copy is deleted afterwards.</summary>
    public async Task<TimeSpan> PlainCopyAsync(PlainCopyWork work = PlainCopyWork.None)
    {
        string copy = Path.Combine(Root, "plain-copy.bin");
        try
        {
            return await PlainTcpCopy.RunAsync(Source, copy, work, CancellationToken.None);
        }
        finally
        {
            File.Delete(copy);
        }
    }

    public void Dispose()
    {
        foreach (var p in _servers)
            p.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"swarm: could not delete {Root}: {e.Message}");
        }
    }

    private BenchProcess Started(BenchProcess process)
    {
        _servers.Add(process);
        return process;
    }
}
