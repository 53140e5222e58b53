using Microsoft.Extensions.Logging;
using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

public sealed class ToldInWordsTests
{
    private static string Logged(LogLevel? level, Action<ILogger> log)
    {
        var stderr = new StringWriter();
        using (var loggers = PeerProgram.Loggers(new UserOutput(new StringWriter(), stderr), level))
            log(loggers.CreateLogger("P2PShare.Peer.Transfer.Download"));
        return stderr.ToString();
    }

    [Fact]
    public void A_lost_holder_is_not_logged_at_the_default_level_as_the_notice_tells_it() =>
        Assert.Equal("", Logged(null, l => PeerLog.HolderLost(l, "127.0.0.1:5", "huge.bin", "ConnectionLost", 500)));

    [Fact]
    public void A_dropped_holder_and_a_lost_tracker_are_not_logged_at_the_default_level()
    {
        Assert.Equal("", Logged(null, l => PeerLog.PeerDropped(l, "127.0.0.1:5", "huge.bin", "refused")));
        Assert.Equal("", Logged(null, l => PeerLog.TrackerLost(l, "127.0.0.1:12500", "closed")));
    }

    [Fact]
    public void A_lost_holder_is_logged_when_a_log_level_is_asked_for() =>
        Assert.Contains("Lost holder", Logged(LogLevel.Warning, l => PeerLog.HolderLost(l, "127.0.0.1:5", "huge.bin", "ConnectionLost", 500)), StringComparison.Ordinal);
}
