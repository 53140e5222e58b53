using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Network;

/// <summary>Random and mutated frames against a live tracker: each hostile connection is closed, nothing crashes, everyone else is still served.</summary>
public sealed class FuzzTests
{
    private const string Hello = "type::hello;id::1;version::1;role::peer;port::0;agent::fuzz;";

    [Fact]
    public async Task Hostile_bytes_close_only_their_own_connection_and_the_tracker_goes_on_serving()
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { HandshakeTimeout = TimeSpan.FromSeconds(5) }, logger);
        await using var bystander = await TestPeer.JoinAsync(tracker, 7001);
        await bystander.AnnounceAsync(Files.Complete("a.bin", "a"));

        var property = Prop.ForAll(HostileInput.Arbitrary(), input => Survives(tracker, bystander, input));
        await Task.Run(() => property.Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithReplay(20261125, 3)));

        Assert.DoesNotContain(logger.Lines, l => l.Level >= LogLevel.Error);
        await using var newcomer = await TestPeer.JoinAsync(tracker, 7002);
        Assert.IsType<Holders>(await newcomer.WhoHasAsync(Files.Id("a")));
        await Eventually.TrueAsync(() => Task.FromResult(tracker.ConnectionCount == 2), "every hostile connection is released");
    }

    // FsCheck runs the property synchronously; each case is a real connection.
    private static bool Survives(TrackerServer tracker, TestPeer bystander, HostileInput input) =>
        SurvivesAsync(tracker, bystander, input).GetAwaiter().GetResult();

    private static async Task<bool> SurvivesAsync(TrackerServer tracker, TestPeer bystander, HostileInput input)
    {
        bool closed;
        using (var tcp = await TestPeer.OpenAsync(tracker))
            closed = await input.SendAndExpectCloseAsync(tcp.GetStream(), tcp.Client, Hello, TestTracker.Deadline);
        var files = await bystander.ListAsync();
        return closed && files.Any(f => f.Name == "a.bin");
    }
}
