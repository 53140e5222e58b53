using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Protocol.Tests.Rpc;

/// <summary>The mutual challenge–response of PROTOCOL.md §6.1 over a real loopback connection.</summary>
public sealed class AuthHandshakeTests
{
    private static readonly TimeSpan Timeout = ChannelPair.Timeout;
    private static readonly SharedSecret Secret = new("the network's shared secret");
    private static readonly SharedSecret Other = new("somebody else's secret");
    private static readonly Hello PeerHello = new(ProtocolLimits.CurrentVersion, PeerRole.Peer, 6881, "test");

    private static Task<HandshakeResult> Accept(ChannelPair pair, SharedSecret? secret) =>
        Handshake.AcceptAsync(pair.Server, PeerRole.Peer, "127.0.0.1", secret, null, Timeout, CancellationToken.None);

    private static Task<Welcome> Greet(ChannelPair pair, SharedSecret? secret) =>
        Handshake.GreetAsync(pair.Client, PeerHello, secret, Timeout, CancellationToken.None).WaitAsync(Timeout);

    [Fact]
    public async Task Both_sides_with_the_same_secret_are_welcomed_with_a_proof()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Accept(pair, Secret);
        var welcome = await Greet(pair, Secret);
        var result = await accept.WaitAsync(Timeout);

        Assert.NotNull(result.Hello);
        Assert.Null(result.Refusal);
        Assert.NotNull(welcome.Proof);
        Assert.Equal(2, welcome.ReplyTo);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_the_auth_code_on_both_sides()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        bool admitted = false;
        var accept = Handshake.AcceptAsync(pair.Server, PeerRole.Peer, "127.0.0.1", Secret, _ => admitted = true, Timeout, CancellationToken.None);

        var e = await Assert.ThrowsAsync<RemoteErrorException>(() => Greet(pair, Other));
        var result = await accept.WaitAsync(Timeout);

        Assert.Equal(ErrorCodes.Auth, e.Code);
        Assert.Contains("different secret", e.Text, StringComparison.Ordinal);
        Assert.Null(result.Hello);
        Assert.Contains("different secret", result.Refusal, StringComparison.Ordinal);
        Assert.Equal(HandshakeRefusal.WrongProof, result.Reason);
        Assert.False(admitted);
    }

    [Fact]
    public async Task A_greeter_without_a_secret_is_refused_by_a_side_that_requires_one()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Accept(pair, Secret);

        var e = await Assert.ThrowsAsync<RemoteErrorException>(() => Greet(pair, null));

        Assert.Equal(ErrorCodes.Auth, e.Code);
        Assert.Contains("secret is required", e.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("--", e.Text, StringComparison.Ordinal); // the wire names no program's options; each program says how
        var result = await accept.WaitAsync(Timeout);
        Assert.Contains("secret is required", result.Refusal, StringComparison.Ordinal);
        Assert.Equal(HandshakeRefusal.SecretRequired, result.Reason);
    }

    [Fact]
    public async Task A_greeter_with_a_secret_is_refused_by_an_open_side()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Accept(pair, null);

        var e = await Assert.ThrowsAsync<RemoteErrorException>(() => Greet(pair, Secret));

        Assert.Equal(ErrorCodes.Auth, e.Code);
        Assert.Contains("without a secret", e.Text, StringComparison.Ordinal);
        var result = await accept.WaitAsync(Timeout);
        Assert.Contains("without a secret", result.Refusal, StringComparison.Ordinal);
        Assert.Equal(HandshakeRefusal.OpenNetwork, result.Reason);
    }

    [Fact]
    public async Task A_greeter_with_a_secret_does_not_trust_a_side_that_welcomes_without_a_challenge()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var greet = Greet(pair, Secret);
        using (var hello = await pair.Server.ReceiveAsync(Timeout))
            await pair.Server.ReplyAsync(hello!.Message, new Welcome(ProtocolLimits.CurrentVersion, "")).WaitAsync(Timeout);

        var e = await Assert.ThrowsAsync<ProtocolException>(() => greet);
        Assert.Contains("without a secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_impostor_that_cannot_prove_the_secret_is_not_trusted()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var greet = Greet(pair, Secret);
        using (var hello = await pair.Server.ReceiveAsync(Timeout))
            await pair.Server.ReplyAsync(hello!.Message, new Challenge(new string('a', 64))).WaitAsync(Timeout);
        using (var proof = await pair.Server.ReceiveAsync(Timeout))
            await pair.Server.ReplyAsync(proof!.Message, new Welcome(ProtocolLimits.CurrentVersion, "") { Proof = new string('b', 64) }).WaitAsync(Timeout);

        var e = await Assert.ThrowsAsync<ProtocolException>(() => greet);
        Assert.Contains("could not prove", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proof_recorded_from_an_earlier_session_is_refused()
    {
        // Record a genuine client proof from one session...
        string recordedNonce, recordedProof;
        await using (var first = await ChannelPair.ConnectAsync())
        {
            var greet = Greet(first, Secret); // we play the server by hand and stop after its proof
            using var hello = await first.Server.ReceiveAsync(Timeout);
            recordedNonce = ((Hello)hello!.Message).Nonce!;
            await first.Server.ReplyAsync(hello.Message, new Challenge(new string('c', 64))).WaitAsync(Timeout);
            using var proof = await first.Server.ReceiveAsync(Timeout);
            recordedProof = ((AuthProof)proof!.Message).Proof;
            first.Client.Close();
            await Assert.ThrowsAnyAsync<Exception>(() => greet);
        }

        // ...and replay it: the server's fresh nonce makes it worthless.
        await using var second = await ChannelPair.ConnectAsync();
        var replayed = Accept(second, Secret);
        await second.Client.SendAsync(PeerHello with { RequestId = 1, AuthScheme = SharedSecret.Scheme, Nonce = recordedNonce }).WaitAsync(Timeout);
        using (var challenge = await second.Client.ReceiveAsync(Timeout))
            Assert.IsType<Challenge>(challenge!.Message);
        await second.Client.SendAsync(new AuthProof(recordedProof) { RequestId = 2 }).WaitAsync(Timeout);
        using var answer = await second.Client.ReceiveAsync(Timeout);

        Assert.Equal(ErrorCodes.Auth, Assert.IsType<ErrorReply>(answer!.Message).Code);
        Assert.Null((await replayed.WaitAsync(Timeout)).Hello);
    }

    [Fact]
    public async Task Skipping_the_proof_is_refused_and_nothing_else_is_answered()
    {
        await using var pair = await ChannelPair.ConnectAsync();
        var accept = Accept(pair, Secret);
        await pair.Client.SendAsync(PeerHello with { RequestId = 1, AuthScheme = SharedSecret.Scheme, Nonce = new string('d', 64) }).WaitAsync(Timeout);
        using (var challenge = await pair.Client.ReceiveAsync(Timeout))
            Assert.IsType<Challenge>(challenge!.Message);

        await pair.Client.SendAsync(new ListFiles() { RequestId = 2 }).WaitAsync(Timeout);
        using var answer = await pair.Client.ReceiveAsync(Timeout);

        var error = Assert.IsType<ErrorReply>(answer!.Message);
        Assert.Equal((ErrorCodes.Auth, 2L), (error.Code, error.ReplyTo));
        Assert.Null((await accept.WaitAsync(Timeout)).Hello);
    }
}
