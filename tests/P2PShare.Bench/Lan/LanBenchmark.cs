using System.Globalization;

namespace P2PShare.Bench.Lan;

/// <summary>
/// Makes the simulated LAN, checks its shaping with one plain TCP flow, starts the tracker and the
/// seeder, runs the N downloaders <see cref="LanSettings.Runs"/> times and prints each run and the
/// medians. "Copies" are TCP payload bytes a host's link carried divided by the file's size.
/// </summary>
internal sealed class LanBenchmark(LanSettings settings, TextWriter output)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var network = LanNetwork.Create(settings.RateMbit);
        using var session = new LanSession(settings, network);
        // Ctrl+C, SIGTERM or an unhandled exception may end the process before the usings unwind.
        EventHandler cleanUp = (_, _) =>
        {
            session.Dispose();
            network.Dispose();
        };
        AppDomain.CurrentDomain.ProcessExit += cleanUp;
        try
        {
            return await MeasureAsync(session, cancellationToken);
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= cleanUp;
        }
    }

    private async Task<int> MeasureAsync(LanSession session, CancellationToken cancellationToken)
    {
        Say(Invariant($"lan: {settings.Downloaders} downloaders, 1 seeder, links {settings.RateMbit} Mbit/s each way (tbf), {Mib(settings.SizeBytes)} MiB, {settings.Runs} run(s); ideal {settings.IdealSeconds:0.00} s (size ÷ link rate); files in {session.Root}"));
        string seeder = await session.StartAsync(cancellationToken);
        Say($"tracker and seeder ({seeder}) started, each in its own namespace");

        long flowBytes = Math.Clamp((long)(settings.RateMbit * 1e6 / 8 * 4), 4L << 20, 256L << 20); // about 4 s at the rate
        var (seconds, counted) = await session.FlowAsync(flowBytes, cancellationToken);
        double mbit = flowBytes * 8 / seconds / 1e6;
        // Adding 0.0 turns a rounded -0 into 0, so an exact count never prints as "-0.000".
        Say(Invariant($"shaping check: plain TCP flow seeder -> d1, {flowBytes / 1048576.0:0.0} MiB in {seconds:0.00} s = {mbit:0.0} Mbit/s of payload = {mbit / settings.RateMbit:0.00} x R (tbf counts whole frames: at most 0.96 x R is TCP payload); link counters: {counted / 1048576.0:0.00} MiB payload counted for {flowBytes / 1048576.0:0.00} MiB sent ({Math.Round((counted - flowBytes) * 100.0 / flowBytes, 3) + 0.0:0.000} %)"));

        var runs = new List<LanRun>();
        for (int run = 1; run <= settings.Runs; run++)
        {
            var r = await session.RunAsync(seeder, cancellationToken);
            runs.Add(r);
            Say($"run {run}:");
            foreach (var d in r.Downloads)
                Say(Invariant($"  {d.Name}: {d.Seconds:0.00} s, received {Copies(d.ReceivedBytes):0.000} copies, sent {Copies(d.SentBytes):0.000}; pieces {d.PiecesFromSeeder} from the seeder, {d.PiecesFromOthers} from other downloaders; CPU {d.CpuSeconds:0.000} s; first piece data at {Seconds(d.FirstDataSeconds)} (CPU {Seconds(d.FirstDataCpuSeconds)} by then){Exit(d)}"));
            Say(Invariant($"  seeder: sent {Copies(r.SeederSentBytes):0.000} copies, CPU {r.SeederCpuSeconds:0.000} s"));
            SayLinks(r);
            Say(Invariant($"  last done {r.LastSeconds:0.00} s = {r.LastSeconds / settings.IdealSeconds:0.00} x ideal; machine CPU {r.MachineBusy * 100:0} % busy on average, at least 95 % busy in {r.SaturatedShare * 100:0} % of 100 ms samples; load average {r.LoadAverage}"));
        }

        var firsts = runs.SelectMany(r => r.Downloads).Where(d => d.FirstDataSeconds is not null).ToList();
        if (firsts.Count > 0)
            Say(Invariant($"start-up: first piece data {firsts.Min(d => d.FirstDataSeconds):0.00}-{firsts.Max(d => d.FirstDataSeconds):0.00} s after the common start (median {Median(firsts.Select(d => d.FirstDataSeconds!.Value)):0.00}), CPU by then {firsts.Min(d => d.FirstDataCpuSeconds):0.00}-{firsts.Max(d => d.FirstDataCpuSeconds):0.00} s (median {Median(firsts.Select(d => d.FirstDataCpuSeconds!.Value)):0.00})"));
        double last = Median(runs.Select(r => r.LastSeconds));
        double seederCopies = Median(runs.Select(r => Copies(r.SeederSentBytes)));
        double received = Median(runs.Select(r => r.Downloads.Max(d => Copies(d.ReceivedBytes))));
        if (settings.Runs > 1)
        {
            Say(Invariant($"medians over {settings.Runs} runs: last done {last:0.00} s = {last / settings.IdealSeconds:0.00} x ideal (runs: {string.Join(", ", runs.Select(r => (r.LastSeconds / settings.IdealSeconds).ToString("0.00", CultureInfo.InvariantCulture)))}); seeder sent {seederCopies:0.000} copies; most received {received:0.000} copies"));
        }
        Say(Invariant($"lan: N={settings.Downloaders} rate_mbit={settings.RateMbit} size_mib={Mib(settings.SizeBytes)} ideal_s={settings.IdealSeconds:0.00} last_s={last:0.00} ratio={last / settings.IdealSeconds:0.00} seeder_copies={seederCopies:0.000} max_received_copies={received:0.000} machine_busy={Median(runs.Select(r => r.MachineBusy)):0.00} saturated_share={Median(runs.Select(r => r.SaturatedShare)):0.00} seeder_up={Median(runs.Select(r => r.Links?.WhileSeederSent.SeederUp ?? 0)):0.00} downloaders_up={Median(runs.Select(r => r.Links?.WhileSeederSent.DownloadersUp ?? 0)):0.00} downloaders_up_needed={Median(runs.Select(r => r.Links?.DownloadersUpNeeded ?? 0)):0.00}"));
        return 0;
    }

    // Per second, then while the seeder sent: what its pace asked of the downloaders' uplinks, what they gave, and how long the rest took.
    private void SayLinks(LanRun r)
    {
        if (r.Links is not { } links || links.SeederSpan is not { } span)
            return;
        Say("  links busy, share of the rate per second (seeder up / downloaders' mean up, down): "
            + string.Join(' ', links.PerSecond().Select(s => Invariant($"{s.SeederUp:0.00}/{s.DownloadersUp:0.00}/{s.DownloadersDown:0.00}"))));
        var (seederUp, up, down) = links.WhileSeederSent;
        Say(Invariant($"  while the seeder sent ({span.From:0.0}-{span.To:0.0} s): its uplink {seederUp:0.00} busy; downloaders' uplinks {up:0.00} (keeping up with it needs {links.DownloadersUpNeeded:0.00}), downlinks {down:0.00}; the last downloader done {r.LastSeconds - span.To:0.0} s after"));
    }

    private static string Seconds(double? value) => value is double v ? Invariant($"{v:0.00} s") : "?";

    private static string Exit(LanDownload d) => d.ExitSeconds > d.Seconds + 0.5 ? Invariant($"; exited at {d.ExitSeconds:0.00} s") : "";

    private double Copies(long bytes) => (double)bytes / settings.SizeBytes;

    private static long Mib(long bytes) => bytes / (1024 * 1024);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private void Say(string line)
    {
        output.WriteLine(line);
        output.Flush();
    }
}
