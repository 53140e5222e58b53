using System.Globalization;
using System.Security.Cryptography;

namespace P2PShare.Bench.Swarm;

/// <summary>
/// <c>swarm --secret-vs-open</c>: one open swarm (<paramref name="open"/>) and one whose every process has
/// a shared secret (TLS on every connection), side by side; each run downloads from the open one, then
/// from the secret one, so the ratio compares two downloads made under the same load.
/// </summary>
internal sealed class SecretVsOpen(SwarmSettings settings, SwarmSession open, Action<string> say)
{
    public async Task<int> RunAsync()
    {
        var secretSettings = settings with { Secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) };
        using var secret = new SwarmSession(secretSettings);
        await secret.StartTrackerAsync();
        secret.LinkSeeders(Enumerable.Range(1, settings.Seeders).Select(i => $"seeder{i}")); // before any starts: a new link moves the file's change time
        for (int i = 1; i <= settings.Seeders; i++)
            say($"secret seeder{i} serving on {await secret.StartSeederAsync($"seeder{i}")}");
        var opens = new List<DownloadFigures>();
        var secrets = new List<DownloadFigures>();
        var ratios = new List<double>();
        for (int run = 1; run <= settings.Runs; run++)
        {
            var o = (await open.DownloadAsync(1))[0];
            var s = (await secret.DownloadAsync(1))[0];
            opens.Add(o);
            secrets.Add(s);
            ratios.Add(s.Wall.TotalSeconds / o.Wall.TotalSeconds);
            say(Invariant($"run {run}: open {Describe(o)}; secret {Describe(s)}; secret/open time {ratios[^1]:0.00}, downloader CPU {s.CpuSeconds / o.CpuSeconds:0.00}, seeders+tracker CPU {s.ServerCpuSeconds / o.ServerCpuSeconds:0.00}; load average {LoadAverage()}"));
        }
        double openS = Median(opens.Select(f => f.Wall.TotalSeconds)), secretS = Median(secrets.Select(f => f.Wall.TotalSeconds));
        say(Invariant($"medians over {settings.Runs} run(s): open {openS:0.00} s (downloader CPU {Median(opens.Select(f => f.CpuSeconds)):0.00} s, seeders+tracker {Median(opens.Select(f => f.ServerCpuSeconds)):0.00} s), secret {secretS:0.00} s (downloader CPU {Median(secrets.Select(f => f.CpuSeconds)):0.00} s, seeders+tracker {Median(secrets.Select(f => f.ServerCpuSeconds)):0.00} s)"));
        say(Invariant($"secret-vs-open: open_s={openS:0.00} secret_s={secretS:0.00} ratio={secretS / openS:0.00} median_run_ratio={Median(ratios):0.00} secret_downloader_peak_rss_mib={secrets.Max(f => f.PeakRssMib):0}"));
        return 0;
    }

    private static string Describe(DownloadFigures f) =>
        Invariant($"{f.Wall.TotalSeconds:0.00} s (transfer {f.Transfer.TotalSeconds:0.00} s), CPU {f.CpuSeconds:0.00} s, seeders+tracker CPU {f.ServerCpuSeconds:0.00} s, peak RSS {f.PeakRssMib:0} MiB");

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
