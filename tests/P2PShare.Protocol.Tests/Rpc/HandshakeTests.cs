using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Protocol.Tests.Rpc;

/// <summary>The opening hello → welcome (or error, then close).</summary>
public sealed class HandshakeTests
{
    private static readonly TimeSpan Timeout = ChannelPair.Timeout;

    [Fact]
    public async Task Matching_version_and_role_is_welcomed()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Handshake.AcceptAsync(pair.Server, PeerRole.Peer, "127.0.0.1", null, null, Timeout, CancellationToken.None);
        var welcome = await Handshake.GreetAsync(pair.Client, new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 6881, "test"), null, Timeout, CancellationToken.None).WaitAsync(Timeout);
        var hello = (await accept.WaitAsync(Timeout)).Hello;

        Assert.Equal(ProtocolLimits.CurrentVersion, welcome.Version);
        Assert.Equal("127.0.0.1", welcome.ObservedAddress);
        Assert.Equal((6881, "test", 1L), (hello!.ListenPort, hello.Agent, hello.RequestId));
        Assert.Equal(1, welcome.ReplyTo);
    }

    [Fact]
    public async Task Other_version_is_refused_with_the_version_code()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Handshake.AcceptAsync(pair.Server, PeerRole.Peer, "", null, null, Timeout, CancellationToken.None);
        var e = await Assert.ThrowsAsync<RemoteErrorException>(() =>
            Handshake.GreetAsync(pair.Client, new Hello(ProtocolLimits.CurrentVersion + 1, PeerRole.Peer, 1, ""), null, Timeout, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(ErrorCodes.Version, e.Code);
        Assert.Null((await accept.WaitAsync(Timeout)).Hello);
    }

    [Fact]
    public async Task Wrong_role_is_refused_as_a_bad_request()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Handshake.AcceptAsync(pair.Server, PeerRole.Peer, "", null, null, Timeout, CancellationToken.None);
        var e = await Assert.ThrowsAsync<RemoteErrorException>(() =>
            Handshake.GreetAsync(pair.Client, new Hello(ProtocolLimits.CurrentVersion, PeerRole.Fetcher, 1, ""), null, Timeout, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(ErrorCodes.BadRequest, e.Code);
        Assert.Null((await accept.WaitAsync(Timeout)).Hello);
    }

    [Fact]
    public async Task A_hello_without_an_id_is_refused_with_an_error_that_carries_no_re()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Handshake.AcceptAsync(pair.Server, PeerRole.Peer, "", null, null, Timeout, CancellationToken.None);
        await pair.Client.SendAsync(new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 1, "")).WaitAsync(Timeout);
        Assert.Null((await accept.WaitAsync(Timeout)).Hello);
        using var reply = await pair.Client.ReceiveAsync(Timeout).WaitAsync(Timeout);
        var error = Assert.IsType<ErrorReply>(reply!.Message);
        Assert.Equal((ErrorCodes.BadRequest, 0L), (error.Code, error.ReplyTo));
        Assert.Contains("'hello' is a request and must carry an id", error.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task First_message_other_than_hello_is_refused()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Handshake.AcceptAsync(pair.Server, PeerRole.Peer, "", null, null, Timeout, CancellationToken.None);
        await pair.Client.SendAsync(new ListFiles() { RequestId = 1 }).WaitAsync(Timeout);
        Assert.Null((await accept.WaitAsync(Timeout)).Hello);
        using var reply = await pair.Client.ReceiveAsync(Timeout).WaitAsync(Timeout);
        var error = Assert.IsType<ErrorReply>(reply!.Message);
        Assert.Equal((ErrorCodes.BadRequest, 1L), (error.Code, error.ReplyTo));
    }

    [Fact]
    public async Task A_first_frame_larger_than_a_handshake_needs_is_refused_on_its_prefix()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Handshake.AcceptAsync(pair.Server, PeerRole.Peer, "", null, null, Timeout, CancellationToken.None);
        // A hello with a large payload attached: nothing before the handshake may be that big.
        await pair.Client.SendAsync(new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 1, "") { RequestId = 1 }, new byte[ProtocolLimits.Default.MaxHandshakeFrameLength]).WaitAsync(Timeout);
        var refused = await Assert.ThrowsAsync<ProtocolException>(() => accept.WaitAsync(Timeout));
        Assert.Contains($"exceeds the limit of {ProtocolLimits.Default.MaxHandshakeFrameLength} allowed before the handshake completes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_welcomed_both_sides_take_full_size_frames()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Handshake.AcceptAsync(pair.Server, PeerRole.Peer, "", null, null, Timeout, CancellationToken.None);
        await Handshake.GreetAsync(pair.Client, new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 1, ""), null, Timeout, CancellationToken.None).WaitAsync(Timeout);
        Assert.NotNull((await accept.WaitAsync(Timeout)).Hello);

        // Each receive is waiting before its send: 4 MiB does not fit the sockets' buffers.
        byte[] piece = new byte[4 * 1024 * 1024];
        var serverGets = pair.Server.ReceiveAsync(Timeout);
        await pair.Client.SendAsync(new PieceReply(TestIds.A, 0) { ReplyTo = 7 }, piece).WaitAsync(Timeout);
        using (var toServer = await serverGets.WaitAsync(Timeout))
            Assert.Equal(piece.Length, toServer!.Payload.Length);
        var clientGets = pair.Client.ReceiveAsync(Timeout);
        await pair.Server.SendAsync(new PieceReply(TestIds.A, 0) { ReplyTo = 7 }, piece).WaitAsync(Timeout);
        using var toClient = await clientGets.WaitAsync(Timeout);
        Assert.Equal(piece.Length, toClient!.Payload.Length);
    }

    [Fact]
    public async Task Silent_acceptor_times_the_greeting_out()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        await Assert.ThrowsAsync<TimeoutException>(() =>
            Handshake.GreetAsync(pair.Client, new Hello(1, PeerRole.Peer, 1, ""), null, TimeSpan.FromMilliseconds(100), CancellationToken.None).WaitAsync(Timeout));
    }
}
