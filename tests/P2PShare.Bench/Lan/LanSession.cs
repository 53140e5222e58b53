using System.Diagnostics;
using System.Globalization;
using P2PShare.Bench.Swarm;

namespace P2PShare.Bench.Lan;

/// <summary>
/// The processes of the <c>lan</c> benchmark on a <see cref="LanNetwork"/>: the tracker and the seeder
/// (holding the only copy of a random file), each in its own namespace, and per run one <c>get</c> per
/// downloader namespace. The temporary folder has a fixed name so a killed run's is removed at start.
/// Disposing kills the processes and deletes the folder.
/// </summary>
internal sealed class LanSession : IDisposable
{
    private const string FileName = "lan.bin";
    private const int TrackerOctet = 1;
    private const int SeederOctet = 10;
    private const int FirstDownloaderOctet = 11;
    private const int FlowPort = 5001;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private readonly LanSettings _settings;
    private readonly List<BenchProcess> _servers = [];
    private readonly List<string> _downloaders = [];
    private readonly string _trackerHost;
    private readonly string _seederHost;
    private readonly string _source;
    private string _tracker = "";
    private BenchProcess? _seeder;
    private int _disposed;
    private int _run;

    public LanSession(LanSettings settings, LanNetwork network)
    {
        _settings = settings;
        Root = Path.Combine(settings.TempRoot, "p2pshare-lan-bench");
        DeleteRoot();
        Directory.CreateDirectory(Root);
        _source = Path.Combine(Root, "source", FileName);
        _trackerHost = network.AddHost("tracker", TrackerOctet);
        _seederHost = network.AddHost("seeder", SeederOctet);
        for (int i = 0; i < settings.Downloaders; i++)
            _downloaders.Add(network.AddHost($"d{i + 1}", FirstDownloaderOctet + i));
    }

    public string Root { get; }

    /// <summary>Writes the random file and starts the tracker and the seeder; returns the seeder's endpoint.</summary>
    public async Task<string> StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_source)!);
        BenchFiles.WriteRandom(_source, _settings.SizeBytes);
        var tracker = Started(BenchProcess.StartIn(_trackerHost, "tracker", _settings.ProgramsFolder, "P2PShare.Tracker",
            "--port", "0", "--host", LanNetwork.Address(TrackerOctet), "--log-level", "Warning"));
        string line = await tracker.WaitForLineAsync("listening on", StartTimeout).WaitAsync(cancellationToken);
        _tracker = line[(line.LastIndexOf(' ') + 1)..];

        string repo = Path.Combine(Root, "seeder");
        BenchFiles.Link(_source, Path.Combine(repo, FileName));
        string[] serve = ["serve", "--port", "0", "--bind", LanNetwork.Address(SeederOctet), "--repo", repo, "--tracker", _tracker, .. Quiet(_settings.SeederArgs)];
        _seeder = Started(BenchProcess.StartIn(_seederHost, "seeder", _settings.ProgramsFolder, "P2PShare.Peer", serve));
        line = await _seeder.WaitForLineAsync("Sharing", StartTimeout).WaitAsync(cancellationToken);
        return PeerOutput.ServingEndpoint(line);
    }

    /// <summary>
    /// The shaping check: a plain TCP flow of <paramref name="bytes"/> from the seeder's namespace to the
    /// first downloader's, memory to memory. Returns its seconds and the payload the seeder's link counted.
    /// </summary>
    public async Task<(double Seconds, long CountedBytes)> FlowAsync(long bytes, CancellationToken cancellationToken)
    {
        string to = $"{LanNetwork.Address(FirstDownloaderOctet)}:{FlowPort}";
        using var receiver = BenchProcess.StartIn(_downloaders[0], "flow receiver", AppContext.BaseDirectory, "P2PShare.Bench", LanFlowCommand.Name, "--listen", to);
        await receiver.WaitForLineAsync(LanFlowCommand.ListeningLine, StartTimeout).WaitAsync(cancellationToken);
        var before = LanNetwork.Counters(_seederHost);
        using var sender = BenchProcess.StartIn(_seederHost, "flow sender", AppContext.BaseDirectory, "P2PShare.Bench", LanFlowCommand.Name, "--to", to, "--bytes", bytes.ToString(CultureInfo.InvariantCulture));
        string line = await sender.WaitForLineAsync(LanFlowCommand.SentLine, _settings.RunTimeout).WaitAsync(cancellationToken);
        await sender.WaitForExitAsync(StartTimeout).WaitAsync(cancellationToken);
        await receiver.WaitForExitAsync(StartTimeout).WaitAsync(cancellationToken);
        var counted = LanNetwork.Counters(_seederHost) - before;
        return (double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture), counted.TxPayload);
    }

    /// <summary>
    /// Starts one <c>get</c> per downloader namespace together, waits for all, checks every copy byte
    /// for byte, deletes them, and returns what each measured (pieces credited to <paramref name="seeder"/>
    /// apart from the rest).
    /// </summary>
    public async Task<LanRun> RunAsync(string seeder, CancellationToken cancellationToken)
    {
        var hosts = _downloaders.Append(_seederHost).ToList();
        var before = hosts.ToDictionary(h => h, LanNetwork.Counters);
        double seederCpuBefore = _seeder!.CpuSeconds;
        var repos = _downloaders.Select((_, i) => Path.Combine(Root, $"d{i + 1}")).ToList();
        var clock = Stopwatch.StartNew();
        await using var machine = MachineBusy.Start();
        await using var links = LinkUse.Start(_seederHost, _downloaders, _settings.RateMbit, clock);
        var running = new List<BenchProcess>();
        var startedAt = new List<double>();
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            for (int i = 0; i < _downloaders.Count; i++)
            {
                Directory.CreateDirectory(repos[i]);
                startedAt.Add(clock.Elapsed.TotalSeconds);
                string[] args = ["get", FileName, "--port", "0", "--bind", LanNetwork.Address(FirstDownloaderOctet + i), "--repo", repos[i], "--tracker", _tracker, .. Quiet(_settings.DownloaderArgs)];
                running.Add(BenchProcess.StartIn(_downloaders[i], $"d{i + 1}", _settings.ProgramsFolder, "P2PShare.Peer", args));
            }
            // First piece data: past the manifest (32 bytes a piece) and 64 KiB more.
            long threshold = (((_settings.SizeBytes / (256 * 1024)) + 1) * 32) + (64 * 1024);
            var firstData = running.Select(p => FirstData.WatchAsync(p, clock, threshold, stopWatching.Token)).ToList();
            var done = running.Select(async p => (Exit: await p.WaitForExitAsync(_settings.RunTimeout), At: clock.Elapsed.TotalSeconds)).ToList();
            var exits = await Task.WhenAll(done).WaitAsync(cancellationToken);
            var (busy, saturated) = await machine.StopAsync();
            var timeline = await links.StopAsync();
            await stopWatching.CancelAsync();
            var firsts = await Task.WhenAll(firstData);
            await Task.Delay(50, cancellationToken); // one more CPU sample of the seeder (taken every 20 ms)
            var counted = hosts.ToDictionary(h => h, h => LanNetwork.Counters(h) - before[h]);
            string load = File.ReadAllText("/proc/loadavg").Trim();
            var downloads = new List<LanDownload>();
            for (int i = 0; i < running.Count; i++)
            {
                var p = running[i];
                if (exits[i].Exit != 0)
                    throw new InvalidOperationException($"{p.Name} exited {exits[i].Exit}.\nstdout:\n{p.Output}\nstderr:\n{p.Errors}");
                if (!BenchFiles.SameContent(_source, Path.Combine(repos[i], FileName)))
                    throw new InvalidOperationException($"{p.Name}: its copy differs from the source");
                var pieces = PeerOutput.PiecesByPeer(p.Output);
                int fromSeeder = pieces.GetValueOrDefault(seeder);
                var link = counted[_downloaders[i]];
                // Done when it says so: with --seed-for it goes on serving (and running) after that line.
                double doneAt = p.LineTime("Downloaded '") is { } line ? startedAt[i] + line.TotalSeconds : exits[i].At;
                downloads.Add(new LanDownload(p.Name, doneAt, p.CpuSeconds, link.RxPayload, link.TxPayload, fromSeeder, pieces.Values.Sum() - fromSeeder)
                {
                    FirstDataSeconds = firsts[i]?.Seconds,
                    FirstDataCpuSeconds = firsts[i]?.CpuSeconds,
                    ExitSeconds = exits[i].At,
                });
            }
            return new LanRun(downloads, counted[_seederHost].TxPayload, _seeder.CpuSeconds - seederCpuBefore, load) { MachineBusy = busy, SaturatedShare = saturated, Links = timeline };
        }
        finally
        {
            foreach (var p in running)
                p.Dispose();
            KeepLogs(running, ++_run);
            foreach (var repo in repos.Where(Directory.Exists))
                Directory.Delete(repo, recursive: true);
        }
    }

    // The extra arguments, after --log-level Warning unless they set a level themselves (it may be given once).
    private static string[] Quiet(IReadOnlyList<string> extra) =>
        extra.Any(a => a.StartsWith("--log-level", StringComparison.Ordinal)) ? [.. extra] : ["--log-level", "Warning", .. extra];

    // With --logs: each downloader's stderr of this run, and the seeder's so far (rewritten each run).
    private void KeepLogs(List<BenchProcess> running, int run)
    {
        if (_settings.LogsFolder is not { } folder)
            return;
        Directory.CreateDirectory(folder);
        foreach (var p in running)
            File.WriteAllText(Path.Combine(folder, $"{p.Name}-run{run}.log"), p.Errors);
        if (_seeder is not null)
            File.WriteAllText(Path.Combine(folder, "seeder.log"), _seeder.Errors);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        foreach (var p in _servers)
            p.Dispose();
        DeleteRoot();
    }

    private void DeleteRoot()
    {
        try
        {
            if (Directory.Exists(Root))
                Directory.Delete(Root, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"lan: could not delete {Root}: {e.Message}");
        }
    }

    private BenchProcess Started(BenchProcess process)
    {
        _servers.Add(process);
        return process;
    }
}
