using System.Diagnostics;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Network;

/// <summary>A joined client that sends half a frame and stops loses its connection after the frame deadline, although the tracker's idle timeout is infinite.</summary>
public sealed class FrameDeadlineTests
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_joined_client_that_stops_inside_a_frame_is_closed_after_the_frame_deadline_and_others_are_still_served()
    {
        var logger = new ListLogger();
        var options = TestTracker.Options with { Limits = ProtocolLimits.Default with { FrameTimeout = FrameTimeout } };
        Assert.Equal(Timeout.InfiniteTimeSpan, options.IdleTimeout);
        await using var tracker = await TestTracker.StartAsync(options, logger);
        await using var bystander = await TestPeer.JoinAsync(tracker, 7001);
        await bystander.AnnounceAsync(Files.Complete("a.bin", "a"));

        using var tcp = await TestPeer.OpenAsync(tracker);
        using var channel = new MessageChannel(tcp.GetStream());
        await Handshake.GreetAsync(channel, new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 0, "half-frame"), null, TestTracker.Deadline, CancellationToken.None).WaitAsync(TestTracker.Deadline);
        var frame = FrameWriter.Encode("type::list;id::7;", []);
        var clock = Stopwatch.StartNew();
        await tcp.GetStream().WriteAsync(frame.AsMemory(0, frame.Length - 3)); // the prefix and most of the header, then silence

        Assert.True(await HostileInput.ClosedByServerAsync(tcp.GetStream(), TestTracker.Deadline), "the half frame kept its connection open");
        Assert.InRange(clock.Elapsed, FrameTimeout * 0.9, TestTracker.Deadline);
        // The socket closes before the session logs why.
        await Eventually.TrueAsync(() => Task.FromResult(logger.Has(Microsoft.Extensions.Logging.LogLevel.Information, "the rest of a frame did not arrive within 1 s")),
            "the tracker logs why it closed the connection", TestTracker.Deadline);
        await using var newcomer = await TestPeer.JoinAsync(tracker, 7002);
        Assert.IsType<Holders>(await newcomer.WhoHasAsync(Files.Id("a")));
    }
}
