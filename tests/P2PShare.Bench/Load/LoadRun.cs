using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Bench.Load;

/// <summary>
/// One load run: the real tracker as a process, <see cref="LoadOptions.Peers"/> simulated peers
/// joining at once, each announcing its files, while askers keep looking files up; then every
/// connection is held a while and checked. Prints figures and one machine-readable last line.
/// </summary>
internal sealed class LoadRun(LoadOptions options, TextWriter output)
{
    private readonly Latencies _duringJoin = new();
    private readonly Latencies _steady = new();
    private readonly Latencies _generatorLag = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private static readonly FileId HeldCheck = FileId.FromBytes(new byte[32]); // held by nobody: the cheapest question
    private int _lookupErrors;
    private volatile bool _joining = true;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var runDeadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        runDeadline.CancelAfter(options.RunTimeout);
        var token = runDeadline.Token;
        var pool = FilePool();
        using var tracker = await TrackerProcess.StartAsync(options.ProgramsFolder, options.RequestTimeout);
        output.WriteLine($"load: tracker pid {tracker.Id} on {tracker.EndPoint} from {options.ProgramsFolder}; {options.Peers} peers x {options.FilesPerPeer} files ({pool.Length} distinct, {options.HoldersPerFile} holders each), {options.Askers} askers every {options.LookupInterval.TotalMilliseconds:0} ms");
        int askerCount = Math.Min(options.Askers, options.Peers);
        var askers = new List<BlockingAsker>();
        var peers = new SimulatedPeer?[options.Peers - askerCount];
        try
        {
            // The askers join first, so lookups run while everyone else joins.
            for (int i = 0; i < askerCount; i++)
            {
                var asker = JoinAsker(i, tracker.EndPoint, pool);
                if (asker is not null)
                    askers.Add(asker);
            }
            using var stopLookups = CancellationTokenSource.CreateLinkedTokenSource(token);
            var lookups = askers.Select((asker, i) => StartAsking(asker, pool, new Random(i), stopLookups.Token)).ToList();

            using var stopProbe = new CancellationTokenSource();
            var probe = Task.Run(() => ProbeLagAsync(stopProbe.Token), CancellationToken.None);
            var clock = Stopwatch.StartNew();
            var (pausedBefore, collectionsBefore) = (GC.GetTotalPauseDuration(), GC.CollectionCount(0));
            await Task.WhenAll(Enumerable.Range(0, peers.Length).Select(async i => peers[i] = await JoinAsync(askerCount + i, tracker.EndPoint, pool, token)));
            var joinTime = clock.Elapsed;
            _joining = false;
            var (joinPaused, joinCollections) = (GC.GetTotalPauseDuration() - pausedBefore, GC.CollectionCount(0) - collectionsBefore);
            await stopProbe.CancelAsync();
            await probe;
            output.WriteLine($"load: {askers.Count + peers.Count(p => p is not null)} of {options.Peers} peers joined and announced in {joinTime.TotalSeconds:0.00} s; holding {options.Hold.TotalSeconds:0} s");

            await Task.Delay(options.Hold, token);
            long? rssKiB = tracker.Status("VmRSS");
            long? peakKiB = tracker.Status("VmHWM");
            long? threads = tracker.Status("Threads");
            await stopLookups.CancelAsync();
            foreach (var thread in lookups)
                thread.Join();
            int held = await CountHeldAsync(peers) + askers.Count(IsAnswering);

            int failed = options.Peers - askers.Count - peers.Count(p => p is not null);
            foreach (var (reason, count) in _failures.OrderByDescending(kv => kv.Value))
                output.WriteLine($"load: {count} failed: {reason}");
            output.WriteLine($"load: lookups while joining: {_duringJoin.Count}, p50 {_duringJoin.Percentile(50):0.00} ms, p99 {_duringJoin.Percentile(99):0.00} ms; the simulated peers' thread-pool lag meanwhile (the askers run on threads of their own) p50 {_generatorLag.Percentile(50):0.0} ms, p99 {_generatorLag.Percentile(99):0.0} ms; its own garbage collections stopped the askers too: {joinCollections} taking {joinPaused.TotalMilliseconds:0} ms in all");
            output.WriteLine($"load: lookups while holding: {_steady.Count}, p50 {_steady.Percentile(50):0.00} ms, p99 {_steady.Percentile(99):0.00} ms; lookup errors {_lookupErrors}");
            output.WriteLine($"load: tracker threads {threads?.ToString(CultureInfo.InvariantCulture) ?? "?"}, peak RSS {Mib(peakKiB)} MiB; open files limit here {OpenFilesLimit()}");
            var all = new Latencies();
            foreach (var set in new[] { _duringJoin, _steady })
                all.Merge(set);
            double p50 = all.Percentile(50), p99 = all.Percentile(99);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"load: peers={options.Peers} held={held} failed={failed} lookups={all.Count} errors={_lookupErrors} p50_ms={p50:0.00} p99_ms={p99:0.00} join_p99_ms={_duringJoin.Percentile(99):0.00} held_p99_ms={_steady.Percentile(99):0.00} generator_lag_p99_ms={_generatorLag.Percentile(99):0.0} join_s={joinTime.TotalSeconds:0.00} tracker_rss_mib={Mib(rssKiB)}"));
            return held == options.Peers && failed == 0 && _lookupErrors == 0 && p99 < 20 ? 0 : 1;
        }
        finally
        {
            askers.ForEach(a => a.Dispose());
            await Task.WhenAll(peers.OfType<SimulatedPeer>().Select(p => p.DisposeAsync().AsTask()));
        }
    }

    private async Task<SimulatedPeer?> JoinAsync(int index, IPEndPoint tracker, FileEntry[] pool, CancellationToken cancellationToken)
    {
        try
        {
            return await SimulatedPeer.JoinAsync(LocalAddress(index), tracker, ListenPort(index), FilesOf(index, pool), options.RequestTimeout, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            CountFailure(e);
            return null;
        }
    }

    private BlockingAsker? JoinAsker(int index, IPEndPoint tracker, FileEntry[] pool)
    {
        try
        {
            return BlockingAsker.Join(LocalAddress(index), tracker, ListenPort(index), FilesOf(index, pool), options.RequestTimeout);
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or P2PShare.Protocol.ProtocolException or P2PShare.Protocol.Rpc.RemoteErrorException)
        {
            CountFailure(e);
            return null;
        }
    }

    private void CountFailure(Exception e) => _failures.AddOrUpdate($"{e.GetType().Name}: {e.Message}", 1, (_, n) => n + 1);

    private IPAddress LocalAddress(int index) =>
        options.SpreadAddresses ? new IPAddress([127, 1, (byte)(index / 250), (byte)(index % 250 + 1)]) : IPAddress.Loopback;

    private static int ListenPort(int index) => 20000 + index % 40000;

    private List<FileEntry> FilesOf(int index, FileEntry[] pool) =>
        Enumerable.Range(0, options.FilesPerPeer).Select(j => pool[(int)(((long)index * options.FilesPerPeer + j) % pool.Length)]).ToList();

    // Who-has for a random file, or list by a random name, every LookupInterval, until stopped;
    // on a thread of its own (see BlockingAsker). A tick missed while a lookup ran is skipped, not made up.
    private Thread StartAsking(BlockingAsker asker, FileEntry[] pool, Random random, CancellationToken stop)
    {
        var thread = new Thread(() =>
        {
            long interval = (long)(options.LookupInterval.TotalSeconds * Stopwatch.Frequency);
            long next = Stopwatch.GetTimestamp();
            while (asker.IsOpen)
            {
                next += interval;
                long now = Stopwatch.GetTimestamp();
                if (next < now)
                    next = now + interval - (now - next) % interval;
                if (stop.WaitHandle.WaitOne(Stopwatch.GetElapsedTime(now, next)))
                    return;
                var file = pool[random.Next(pool.Length)];
                Message request = random.Next(2) == 0 ? new WhoHas(file.Id) : new ListFiles(file.Name);
                bool joining = _joining;
                try
                {
                    (joining ? _duringJoin : _steady).Add(asker.Lookup(request));
                }
                catch (Exception e) when (e is IOException or SocketException or TimeoutException or P2PShare.Protocol.ProtocolException or P2PShare.Protocol.Rpc.RemoteErrorException)
                {
                    Interlocked.Increment(ref _lookupErrors);
                }
            }
        })
        { IsBackground = true, Name = "load asker" };
        thread.Start();
        return thread;
    }

    private bool IsAnswering(BlockingAsker asker)
    {
        if (!asker.IsOpen)
            return false;
        try
        {
            asker.Lookup(new WhoHas(HeldCheck));
            return true;
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or P2PShare.Protocol.ProtocolException or P2PShare.Protocol.Rpc.RemoteErrorException)
        {
            return false;
        }
    }

    // How late a 10 ms timer fires on this process's thread pool while the peers join: how saturated the
    // simulated peers keep it. The askers' own threads do not queue there (BlockingAsker).
    private async Task ProbeLagAsync(CancellationToken stop)
    {
        var interval = TimeSpan.FromMilliseconds(10);
        while (!stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            await Task.Delay(interval, CancellationToken.None);
            _generatorLag.Add(clock.Elapsed - interval);
        }
    }

    // A connection is held when it is open and still answered: one cheap request on each, all at once.
    private async Task<int> CountHeldAsync(SimulatedPeer?[] peers)
    {
        var answered = await Task.WhenAll(peers.Select(async peer =>
        {
            if (peer is not { IsOpen: true })
                return false;
            try
            {
                await peer.LookupAsync(new WhoHas(HeldCheck), options.RequestTimeout);
                return true;
            }
            catch (Exception e) when (e is IOException or TimeoutException or P2PShare.Protocol.ProtocolException or P2PShare.Protocol.Rpc.RemoteErrorException)
            {
                return false;
            }
        }));
        return answered.Count(a => a);
    }

    private FileEntry[] FilePool()
    {
        int distinct = Math.Max(1, (int)((long)options.Peers * options.FilesPerPeer / Math.Max(1, options.HoldersPerFile)));
        var random = new Random(12345);
        var pool = new FileEntry[distinct];
        var idBytes = new byte[32];
        for (int k = 0; k < distinct; k++)
        {
            random.NextBytes(idBytes);
            pool[k] = new FileEntry(FileId.FromBytes(idBytes), $"file-{k:D6}.bin", 1024L * 1024 * (1 + k % 64), 256 * 1024, null);
        }
        return pool;
    }

    private static string Mib(long? kib) => kib is long k ? (k / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) : "?";

    private static string OpenFilesLimit()
    {
        const string path = "/proc/self/limits";
        if (!File.Exists(path))
            return "?";
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        return line is null ? "?" : string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3..4]);
    }
}
