using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Tests.Commands;

public sealed class ProgressReportTests
{
    private static DownloadProgress Progress(int verified, long bytes = 50 * 1_000_000, double seconds = 10) => new(
        "big.bin", 100 * 1_000_000, verified, 200, bytes, TimeSpan.FromSeconds(seconds), 2,
        new Dictionary<HolderAddress, int> { [new("127.0.0.7", 12777)] = 60, [new("127.0.0.5", 12666)] = 40 });

    [Fact]
    public void Progress_line_shows_bar_percent_pieces_rate_peers_eta_and_pieces_from_each()
    {
        Assert.Equal(
            "big.bin [##########..........]  50.0%  100/200 pieces  5.0 MB/s  2 peers  ETA 10 s; pieces from 127.0.0.5:12666 (40), 127.0.0.7:12777 (60)",
            Report.Progress(Progress(100)));
    }

    [Fact]
    public void Progress_line_without_peers_is_shorter()
    {
        Assert.Equal("big.bin [#####...............]  25.0%  50/200 pieces  5.0 MB/s  2 peers  ETA 15 s", Report.Progress(Progress(50), withPeers: false));
    }

    [Fact]
    public void Thousands_of_dropped_holders_are_counted_after_the_first_five_not_listed()
    {
        var dropped = Enumerable.Range(1, 3000).ToDictionary(port => new HolderAddress("127.0.0.1", port + 10000), _ => new HolderDrop(HolderDropKind.CouldNotConnect, "Connection refused"));

        string line = Report.Progress(Progress(100) with { DroppedPeers = dropped }, withPeers: false);

        Assert.EndsWith("; dropped 127.0.0.1:10001 (could not connect: Connection refused), 127.0.0.1:10002 (could not connect: Connection refused), "
            + "127.0.0.1:10003 (could not connect: Connection refused), 127.0.0.1:10004 (could not connect: Connection refused), "
            + "127.0.0.1:10005 (could not connect: Connection refused) and 2995 more", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Eta_is_unknown_before_any_byte_arrived() => Assert.Equal("?", Report.Eta(Progress(0, bytes: 0)));

    [Fact]
    public void A_download_still_fetching_its_manifest_says_so() =>
        Assert.Equal("big.bin: connecting to its holders and fetching the manifest", Report.Progress(Progress(0) with { TotalPieces = 0 }));

    [Theory]
    [InlineData(0, 20, "....................")]
    [InlineData(50, 10, "#####.....")]
    [InlineData(100, 4, "####")]
    [InlineData(140, 4, "####")]
    public void Bar_fills_in_proportion(double percent, int width, string expected) => Assert.Equal(expected, Report.Bar(percent, width));

    [Fact]
    public void Redirected_progress_prints_a_plain_line_once_per_quarter()
    {
        var written = new StringWriter();
        var current = Progress(0);
        var ticker = new ProgressTicker(() => [current], new UserOutput(written));

        foreach (int verified in new[] { 10, 49, 50, 60, 100, 101, 150, 199, 200 })
        {
            current = Progress(verified);
            ticker.Tick();
        }

        var lines = written.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("big.bin [#####...............]  25.0%", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("big.bin [##########..........]  50.0%", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("big.bin [###############.....]  75.0%", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', written.ToString());
    }

    [Fact]
    public void Redirected_progress_ticks_once_a_second_a_terminal_as_often_as_asked()
    {
        var redirected = new ProgressTicker(() => [], new UserOutput(new StringWriter()));
        var terminal = new ProgressTicker(() => [], new UserOutput(new StringWriter(), new StringWriter(), () => 200));

        Assert.Equal(ProgressTicker.PlainInterval, redirected.TickInterval(TimeSpan.FromMilliseconds(500)));
        Assert.Equal(TimeSpan.FromSeconds(2), redirected.TickInterval(TimeSpan.FromSeconds(2)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), terminal.TickInterval(TimeSpan.FromMilliseconds(250)));
    }

    [Fact]
    public void Terminal_progress_is_a_live_line_not_a_stream_of_lines()
    {
        var written = new StringWriter();
        var current = Progress(10);
        var ticker = new ProgressTicker(() => [current], new UserOutput(written, written, () => 200));

        ticker.Tick();
        current = Progress(120);
        ticker.Tick();

        Assert.Equal([Report.Progress(Progress(120))], VirtualScreen.Render(written.ToString(), 200));
    }
}
