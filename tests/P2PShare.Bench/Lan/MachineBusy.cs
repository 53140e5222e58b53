using System.Globalization;

namespace P2PShare.Bench.Lan;

/// <summary>
/// How busy the whole machine's CPUs were while a run went on, from <c>/proc/stat</c> sampled every
/// 100 ms: the mean share of CPU time not idle, and the share of samples at 95 % or more. With every
/// host of the simulated LAN on this machine's 2 cores, a run whose samples are mostly saturated is
/// paced by the CPU, not by the links.
/// </summary>
internal sealed class MachineBusy : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly List<double> _samples = [];
    private readonly (long Busy, long Total) _start = Read();
    private readonly PeriodicReadings<(long Busy, long Total)> _readings;

    private MachineBusy() => _readings = PeriodicReadings<(long Busy, long Total)>.Start(Interval, Read, Add);

    public static MachineBusy Start() => new();

    /// <summary>Stops sampling; returns the mean busy share since the start and the share of samples ≥ 95 % busy.</summary>
    public async Task<(double Mean, double Saturated)> StopAsync()
    {
        var end = Read();
        await _readings.StopAsync();
        double mean = end.Total > _start.Total ? (double)(end.Busy - _start.Busy) / (end.Total - _start.Total) : 0;
        double saturated = _samples.Count > 0 ? (double)_samples.Count(s => s >= 0.95) / _samples.Count : 0;
        return (mean, saturated);
    }

    private void Add((long Busy, long Total) last, (long Busy, long Total) now)
    {
        if (now.Total > last.Total)
            _samples.Add((double)(now.Busy - last.Busy) / (now.Total - last.Total));
    }

    // The "cpu" line: user nice system idle iowait irq softirq steal ...; idle and iowait are not busy.
    private static (long Busy, long Total) Read()
    {
        string line = File.ReadLines("/proc/stat").First();
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        long total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }

    public ValueTask DisposeAsync() => _readings.DisposeAsync();
}
