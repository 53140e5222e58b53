using System.Globalization;

namespace P2PShare.Bench.Swarm;

/// <summary>
/// Runs the swarm measurement <see cref="SwarmSettings.Runs"/> times against one tracker and one set
/// of seeders, each run beside a plain TCP copy of the same file, and prints medians. MB are 10^6 bytes.
/// </summary>
internal sealed class SwarmBenchmark(SwarmSettings settings, TextWriter output)
{
    private readonly List<double> _plain = [];
    private readonly List<double> _hashed = [];
    private readonly List<double> _verified = [];
    private readonly List<DownloadFigures> _main = [];
    private readonly List<double> _baseline = [];
    private readonly List<double> _ratios = [];

    public async Task<int> RunAsync()
    {
        using var session = new SwarmSession(settings);
        Say($"swarm: {Mib(settings.SizeBytes)} MiB, {settings.Seeders} seeder(s)"
            + (settings.Leechers > 0 ? $", {settings.Leechers} downloaders together" : "")
            + (settings.SlowSeederMbps > 0 ? $", plus one seeder throttled to {settings.SlowSeederMbps} MB/s" : "")
            + $", {settings.Runs} run(s), in {session.Root}; programs from {settings.ProgramsFolder}");
        await session.StartTrackerAsync();
        string[] slowSeeder = settings.SlowSeederMbps > 0 ? ["slowseeder"] : [];
        session.LinkSeeders([.. Enumerable.Range(1, settings.Seeders).Select(i => $"seeder{i}"), .. slowSeeder]);
        for (int i = 1; i <= settings.Seeders; i++)
            Say($"seeder{i} serving on {await session.StartSeederAsync($"seeder{i}")}");

        if (settings.SecretVsOpen)
            return await new SecretVsOpen(settings, session, Say).RunAsync();
        if (settings.SlowSeederMbps > 0)
            await RunSlowSeederAsync(session);
        else if (settings.Leechers > 0)
            await RunLeechersAsync(session);
        else
            await RunPlainAsync(session);

        double mbps = Rate(Median(_main.Select(f => f.Wall.TotalSeconds)));
        double plain = Median(_plain);
        double rss = _main.Max(f => f.PeakRssMib);
        if (_verified.Count > 0)
        {
            // What verifying and persisting cost the minimal copy itself: the part of the gap no protocol can close.
            double hashed = Median(_hashed), verified = Median(_verified);
            Say(Invariant($"the plain copy doing a download's work per byte (one receiving thread): hashing every 256 KiB {hashed:0} MB/s = {hashed / plain:0.00} x plain; hashing and syncing to disk {verified:0} MB/s = {verified / plain:0.00} x plain; the download = {mbps / verified:0.00} x that (medians)"));
        }
        Say(Invariant($"medians over {settings.Runs} run(s): download {mbps:0} MB/s, plain TCP {plain:0} MB/s, ratio {mbps / plain:0.00}; downloader CPU {Median(_main.Select(f => f.CpuSeconds)):0.00} s, tracker+seeders CPU {Median(_main.Select(f => f.ServerCpuSeconds)):0.00} s; highest downloader peak RSS {rss:0} MiB"));
        Say(Invariant($"swarm: MBps={mbps:0} plain_tcp_MBps={plain:0} ratio={mbps / plain:0.00} downloader_peak_rss_mib={rss:0}"));
        return 0;
    }

    private async Task RunPlainAsync(SwarmSession session)
    {
        for (int run = 1; run <= settings.Runs; run++)
        {
            double plain = await PlainAsync(session);
            double hashed = Rate((await session.PlainCopyAsync(PlainCopyWork.Hash)).TotalSeconds);
            double verified = Rate((await session.PlainCopyAsync(PlainCopyWork.Hash | PlainCopyWork.Sync)).TotalSeconds);
            _hashed.Add(hashed);
            _verified.Add(verified);
            var d = (await session.DownloadAsync(1))[0];
            _main.Add(d);
            Say(Invariant($"run {run}: plain TCP {plain:0} MB/s (hashing {hashed:0}, hashing and syncing {verified:0}); download {Describe(d)}; ratio {Rate(d.Wall.TotalSeconds) / plain:0.00}"));
        }
    }

    private async Task RunLeechersAsync(SwarmSession session)
    {
        for (int run = 1; run <= settings.Runs; run++)
        {
            double plain = await PlainAsync(session);
            var alone = (await session.DownloadAsync(1))[0];
            _baseline.Add(alone.Wall.TotalSeconds);
            Say(Invariant($"run {run}: plain TCP {plain:0} MB/s; one downloader alone: {Describe(alone)}"));
            var together = await session.DownloadAsync(settings.Leechers);
            double all = together.Max(f => f.Wall.TotalSeconds);
            foreach (var (f, i) in together.Select((f, i) => (f, i + 1)))
            {
                Say(Invariant($"  downloader {i} of {together.Count}: {Describe(f)}; {f.PiecesFromOthers(session.SeederEndpoints)} of {f.PiecesByPeer.Values.Sum()} pieces from other downloaders"));
            }
            // On a CPU-bound machine the time follows the CPU the whole swarm needs, so both are shown.
            double cpuAlone = alone.CpuSeconds + alone.ServerCpuSeconds;
            double cpuTogether = together.Sum(f => f.CpuSeconds) + together[0].ServerCpuSeconds;
            _ratios.Add(all / alone.Wall.TotalSeconds);
            Say(Invariant($"run {run}: {together.Count} downloaders together all done in {all:0.00} s = {all / alone.Wall.TotalSeconds:0.00} × one alone; CPU of every process {cpuTogether:0.00} s = {cpuTogether / cpuAlone:0.00} × one alone ({cpuAlone:0.00} s)"));
            // The headline figure in this mode: the slowest of the downloaders started together.
            _main.Add(together.MaxBy(f => f.Wall)! with { PeakRssMib = together.Max(f => f.PeakRssMib) });
        }
        Say(Invariant($"leechers: {settings.Leechers} together finish in {Median(_ratios):0.00} × the time one takes alone (median of the runs' ratios; target ≤ 1.5)"));
    }

    private async Task RunSlowSeederAsync(SwarmSession session)
    {
        for (int run = 1; run <= settings.Runs; run++)
        {
            var fast = (await session.DownloadAsync(1))[0];
            _baseline.Add(fast.Wall.TotalSeconds);
            Say(Invariant($"run {run}: {settings.Seeders} fast seeder(s) alone: {Describe(fast)}"));
        }
        string slow = await session.StartSeederAsync("slowseeder", settings.SlowSeederMbps);
        Say($"slow seeder serving on {slow}");
        for (int run = 1; run <= settings.Runs; run++)
        {
            double plain = await PlainAsync(session);
            var d = (await session.DownloadAsync(1))[0];
            _main.Add(d);
            Say(Invariant($"run {run}: with the slow seeder: {Describe(d)}; {d.PiecesByPeer.GetValueOrDefault(slow)} pieces from the slow seeder"));
        }
        double ratio = Median(_main.Select(f => f.Wall.TotalSeconds)) / Median(_baseline);
        Say(Invariant($"slow-seeder: with the slow seeder the download takes {ratio:0.00} × the time of the fast seeders alone (medians; target ≤ 1.2)"));
    }

    private async Task<double> PlainAsync(SwarmSession session)
    {
        double rate = Rate((await session.PlainCopyAsync()).TotalSeconds);
        _plain.Add(rate);
        return rate;
    }

    private string Describe(DownloadFigures f) =>
        Invariant($"{f.Wall.TotalSeconds:0.00} s wall = {Rate(f.Wall.TotalSeconds):0} MB/s (transfer alone {f.Transfer.TotalSeconds:0.00} s = {Rate(f.Transfer.TotalSeconds):0} MB/s), peak RSS {f.PeakRssMib:0} MiB, CPU {f.CpuSeconds:0.00} s, tracker+seeders CPU {f.ServerCpuSeconds:0.00} s");

    private double Rate(double seconds) => settings.SizeBytes / seconds / 1e6;

    private static long Mib(long bytes) => bytes / (1024 * 1024);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private void Say(string line)
    {
        output.WriteLine(line);
        output.Flush();
    }
}
