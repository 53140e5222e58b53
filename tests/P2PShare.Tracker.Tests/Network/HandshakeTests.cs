using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Network;

public sealed class HandshakeTests
{
    private static readonly TimeSpan Deadline = TestTracker.Deadline;

    [Fact]
    public async Task Hello_is_answered_with_welcome_carrying_the_observed_address()
    {
        await using var tracker = await TestTracker.StartAsync();

        await using var peer = await TestPeer.JoinAsync(tracker, listenPort: 7001);

        Assert.Equal(ProtocolLimits.CurrentVersion, peer.Welcome.Version);
        Assert.Equal("127.0.0.1", peer.Welcome.ObservedAddress);
        Assert.NotEqual(0, peer.Welcome.ReplyTo);
    }

    [Fact]
    public async Task Hello_with_another_version_is_refused_with_a_version_error_and_closed()
    {
        await using var tracker = await TestTracker.StartAsync();
        using var tcp = await TestPeer.OpenAsync(tracker);
        await using var channel = new MessageChannel(tcp.GetStream());

        var hello = new Hello(ProtocolLimits.CurrentVersion + 1, PeerRole.Peer, 7001, "future");
        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => Handshake.GreetAsync(channel, hello, null, Deadline, CancellationToken.None).WaitAsync(Deadline));

        Assert.Equal(ErrorCodes.Version, refused.Code);
        Assert.Null(await channel.ReceiveAsync(Deadline));
    }

    [Fact]
    public async Task Hello_with_the_fetcher_role_is_refused_with_bad_request()
    {
        await using var tracker = await TestTracker.StartAsync();
        using var tcp = await TestPeer.OpenAsync(tracker);
        await using var channel = new MessageChannel(tcp.GetStream());

        var hello = new Hello(ProtocolLimits.CurrentVersion, PeerRole.Fetcher, 0, "lost");
        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => Handshake.GreetAsync(channel, hello, null, Deadline, CancellationToken.None).WaitAsync(Deadline));

        Assert.Equal(ErrorCodes.BadRequest, refused.Code);
    }

    [Fact]
    public async Task A_first_message_other_than_hello_is_refused_and_closed()
    {
        await using var tracker = await TestTracker.StartAsync();
        using var tcp = await TestPeer.OpenAsync(tracker);
        await using var channel = new MessageChannel(tcp.GetStream());

        await channel.SendAsync(new ListFiles { RequestId = 5 }).WaitAsync(Deadline);
        using var reply = await channel.ReceiveAsync(Deadline).WaitAsync(Deadline);

        var error = Assert.IsType<ErrorReply>(reply!.Message);
        Assert.Equal(ErrorCodes.BadRequest, error.Code);
        Assert.Equal(5, error.ReplyTo);
        Assert.Null(await channel.ReceiveAsync(Deadline));
    }

    [Fact]
    public async Task A_client_that_never_says_hello_is_dropped_after_the_handshake_timeout()
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { HandshakeTimeout = TimeSpan.FromSeconds(1) }, logger);
        using var tcp = await TestPeer.OpenAsync(tracker);
        await using var channel = new MessageChannel(tcp.GetStream());

        Assert.Null(await channel.ReceiveAsync(Deadline).WaitAsync(Deadline));
        await Eventually.TrueAsync(() => Task.FromResult(logger.Has(Microsoft.Extensions.Logging.LogLevel.Information, "no hello within 1 s")), "the silent client is logged");
    }

    [Fact]
    public async Task A_second_hello_on_a_joined_connection_is_answered_bad_request()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);

        var reply = await peer.RequestAsync(new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 7001, "again"));

        Assert.Equal(ErrorCodes.BadRequest, Assert.IsType<ErrorReply>(reply).Code);
    }
}
