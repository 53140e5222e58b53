using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Tests.Commands;

public sealed class ProgressRatesTests
{
    private TimeSpan _now = TimeSpan.FromSeconds(100);

    private static DownloadProgress Progress(long bytes, int verified, double elapsed, int activePeers = 2) =>
        new("big.bin", 400 * 1_000_000, verified, 400, bytes, TimeSpan.FromSeconds(elapsed), activePeers, new Dictionary<HolderAddress, int> { [new("127.0.0.5", 12666)] = verified });

    [Fact]
    public void The_rate_is_that_of_the_last_seconds_not_of_the_whole_run()
    {
        var rates = new ProgressRates(() => _now);
        // 100 MB in the first 10 s, then 1 MB/s.
        rates.Observe(Progress(100_000_000, 100, 10));
        for (int second = 1; second <= 6; second++)
        {
            _now += TimeSpan.FromSeconds(1);
            var estimate = rates.Observe(Progress(100_000_000 + second * 1_000_000, 100 + second, 10 + second));
            Assert.Null(estimate.StalledFor);
        }
        Assert.Equal(1_000_000, rates.Observe(Progress(106_000_000, 106, 16)).BytesPerSecond, precision: 0);
    }

    [Fact]
    public void A_download_that_gets_nothing_is_stalled_with_no_made_up_rate_or_eta()
    {
        var rates = new ProgressRates(() => _now);
        rates.Observe(Progress(200_000_000, 200, 10));
        _now += TimeSpan.FromSeconds(12);
        var stalled = Progress(200_000_000, 200, 22);

        var estimate = rates.Observe(stalled);

        Assert.Equal(TimeSpan.FromSeconds(12), estimate.StalledFor);
        string line = Report.Progress(stalled, false, estimate);
        Assert.EndsWith("200/400 pieces  stalled for 12 s (2 peers connected, none sending)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("MB/s", line, StringComparison.Ordinal);
        Assert.DoesNotContain("ETA", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stalled_download_with_no_holder_left_says_what_is_missing()
    {
        var rates = new ProgressRates(() => _now);
        rates.Observe(Progress(200_000_000, 200, 10, activePeers: 0));
        _now += TimeSpan.FromSeconds(5);
        var stalled = Progress(200_000_000, 200, 15, activePeers: 0);

        Assert.EndsWith("stalled: no reachable holder has the 200 missing pieces", Report.Progress(stalled, false, rates.Observe(stalled)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_that_never_got_a_byte_is_stalled_from_its_start()
    {
        var rates = new ProgressRates(() => _now);

        var estimate = rates.Observe(Progress(0, 0, 8));

        Assert.Equal(TimeSpan.FromSeconds(8), estimate.StalledFor);
    }
}
