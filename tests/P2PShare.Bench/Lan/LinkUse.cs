using System.Diagnostics;

namespace P2PShare.Bench.Lan;

/// <summary>
/// How busy every host's link was during a run, from the switch's port counters read twice a second
/// (one <c>ip</c> call per read): the seeder's uplink, and the mean of the downloaders' uplinks and
/// downlinks, each as a share of the link rate in frame bytes, which is what tbf paces.
/// </summary>
internal sealed class LinkUse : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly string _seeder;
    private readonly IReadOnlyList<string> _downloaders;
    private readonly double _bytesPerSecond;
    private readonly Stopwatch _clock;
    private readonly List<LinkSample> _samples = [];
    private readonly PeriodicReadings<(double At, Dictionary<string, LinkCounters> Ports)> _readings;

    private LinkUse(string seeder, IReadOnlyList<string> downloaders, double rateMbit, Stopwatch clock)
    {
        _seeder = seeder;
        _downloaders = downloaders;
        _bytesPerSecond = rateMbit * 1e6 / 8;
        _clock = clock;
        _readings = PeriodicReadings<(double, Dictionary<string, LinkCounters>)>.Start(Interval, Read, Add);
    }

    /// <summary>Starts sampling the links of <paramref name="seeder"/> and <paramref name="downloaders"/> (namespaces), timed by <paramref name="clock"/>.</summary>
    public static LinkUse Start(string seeder, IReadOnlyList<string> downloaders, double rateMbit, Stopwatch clock) =>
        new(seeder, downloaders, rateMbit, clock);

    /// <summary>Stops sampling; returns what was seen.</summary>
    public async Task<LinkTimeline> StopAsync()
    {
        await _readings.StopAsync();
        return new LinkTimeline(_samples, _downloaders.Count);
    }

    private void Add((double At, Dictionary<string, LinkCounters> Ports) last, (double At, Dictionary<string, LinkCounters> Ports) now)
    {
        double seconds = now.At - last.At;
        if (seconds <= 0)
            return;
        double Share(Func<LinkCounters, long> bytes, string host) => bytes(now.Ports[host] - last.Ports[host]) / (_bytesPerSecond * seconds);
        // A port's rx is what its host sent.
        _samples.Add(new LinkSample(last.At, now.At, Share(c => c.RxBytes, _seeder),
            _downloaders.Average(d => Share(c => c.RxBytes, d)), _downloaders.Average(d => Share(c => c.TxBytes, d))));
    }

    // Timed at the middle of the `ip` call, which takes milliseconds to tens of them on a busy machine.
    private (double At, Dictionary<string, LinkCounters> Ports) Read()
    {
        double before = _clock.Elapsed.TotalSeconds;
        var ports = LanNetwork.PortCounters();
        return ((before + _clock.Elapsed.TotalSeconds) / 2, ports);
    }

    public ValueTask DisposeAsync() => _readings.DisposeAsync();
}
