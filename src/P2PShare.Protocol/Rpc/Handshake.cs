using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Rpc;

/// <summary>
/// The opening exchange of every connection: the connecting side sends <see cref="Hello"/>, the
/// accepting side answers <see cref="Welcome"/> or an error (and closes). With a shared secret, a
/// challenge and a proof come between (PROTOCOL.md §6.1) so each side proves the secret to the
/// other before anything else moves. Runs before the read loop.
/// </summary>
public static class Handshake
{
    /// <summary>
    /// Sends <paramref name="hello"/> and waits for the welcome; with <paramref name="secret"/>, proves
    /// it and checks the other side's proof. Throws <see cref="RemoteErrorException"/> when refused,
    /// <see cref="ProtocolException"/> on a wrong reply or a wrong proof, <see cref="TimeoutException"/> when silent.
    /// </summary>
    public static async Task<Welcome> GreetAsync(MessageChannel channel, Hello hello, SharedSecret? secret, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(hello);
        if (secret is not null && channel.Binding is null)
            throw new InvalidOperationException("a secret is proved only over TLS: secure the stream with TransportSecurity first");
        // Until welcomed, the other side has proved nothing: no frame larger than a handshake needs.
        channel.BeforeHandshake = true;
        byte[]? clientNonce = secret is null ? null : SharedSecret.NewNonce();
        hello = hello with
        {
            RequestId = 1,
            AuthScheme = secret is null ? null : SharedSecret.Scheme,
            Nonce = clientNonce is null ? null : AuthToken.Encode(clientNonce),
        };
        await channel.SendAsync(hello, default, cancellationToken);
        var reply = await ReceiveReplyAsync(channel, timeout, cancellationToken);
        if (reply is Challenge challenge)
        {
            if (secret is null || clientNonce is null)
                throw new ProtocolException("the other side asked for a secret we never offered");
            var serverNonce = Convert.FromHexString(challenge.Nonce);
            var proof = secret.Prove(AuthDirection.Client, hello.Role, hello.Version, clientNonce, serverNonce, channel.Binding!);
            await channel.SendAsync(new AuthProof(AuthToken.Encode(proof)) { RequestId = 2 }, default, cancellationToken);
            var welcome = CheckWelcome(await ReceiveReplyAsync(channel, timeout, cancellationToken));
            if (welcome.Proof is null || !secret.Verify(Convert.FromHexString(welcome.Proof), AuthDirection.Server, hello.Role, hello.Version, clientNonce, serverNonce, channel.Binding!))
                throw new ProtocolException("the other side could not prove it knows the shared secret (a different secret, or a relay in the middle); closing");
            channel.BeforeHandshake = false;
            return welcome;
        }
        if (secret is not null && reply is Welcome)
            throw new ProtocolException("the other side runs without a secret (an open network, or an older version); we require one, so we do not trust it");
        var accepted = CheckWelcome(reply);
        channel.BeforeHandshake = false;
        return accepted;
    }

    private static async Task<Message> ReceiveReplyAsync(MessageChannel channel, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var reply = await channel.ReceiveAsync(timeout, cancellationToken)
            ?? throw new IOException("the other side closed the connection during the handshake");
        return reply.Message switch
        {
            ErrorReply error => throw new RemoteErrorException(error.Code, error.Text),
            Bye => throw new OtherSideLeftException(), // a server leaving as we arrive
            var message => message,
        };
    }

    private static Welcome CheckWelcome(Message reply) => reply switch
    {
        Welcome welcome when welcome.Version == ProtocolLimits.CurrentVersion => welcome,
        Welcome welcome => throw new ProtocolException($"the other side speaks protocol version {welcome.Version}, we speak {ProtocolLimits.CurrentVersion}"),
        var other => throw new ProtocolException($"expected 'welcome' in the handshake, got '{other.Type}'"),
    };

    /// <summary>
    /// The accepting side's whole handshake. With <paramref name="secret"/>, a hello without a proof of
    /// it is refused (code <c>auth</c>), and so is a hello offering one when we have none: both sides
    /// must agree on whether the network is closed. Returns what happened; after a refusal the caller closes.
    /// </summary>
    public static async Task<HandshakeResult> AcceptAsync(MessageChannel channel, string expectedRole, string observedAddress, SharedSecret? secret,
        Action<Hello>? accepted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        // Until it has said hello (and proved the secret, if there is one) a connection may send only
        // handshake-sized frames: a stranger must not make us hold 16 MiB for each connection it opens.
        channel.BeforeHandshake = true;
        Message hello;
        using (var first = await channel.ReceiveAsync(timeout, cancellationToken))
        {
            if (first is null)
                return HandshakeResult.Closed;
            hello = first.Message;
        }
        Refusal? refusal = hello switch
        {
            not Hello => new(HandshakeRefusal.NotHello, $"the first message must be 'hello', not '{hello.Type}'"),
            Hello when RequestIds.LacksId(hello) => new(HandshakeRefusal.NoRequestId, RequestIds.Refusal(hello).Text),
            Hello h when h.Version != ProtocolLimits.CurrentVersion => new(HandshakeRefusal.Version, $"protocol version {h.Version} is not supported; this side speaks {ProtocolLimits.CurrentVersion}"),
            Hello h when h.Role != expectedRole => new(HandshakeRefusal.Role, $"role '{h.Role}' is not served here (expected '{expectedRole}')"),
            _ => null,
        };
        if (refusal is not null)
            return await RefuseAsync(channel, hello, refusal.Reason == HandshakeRefusal.Version ? ErrorCodes.Version : ErrorCodes.BadRequest, refusal, cancellationToken);

        var greeting = (Hello)hello;
        Message answered = greeting;
        string? proof = null;
        if (secret is not null || greeting.AuthScheme is not null)
        {
            var (request, serverProof, authRefusal) = await AuthenticateAsync(channel, greeting, secret, timeout, cancellationToken);
            if (request is null)
                return HandshakeResult.Closed;
            if (authRefusal is not null)
                return await RefuseAsync(channel, request, ErrorCodes.Auth, authRefusal, cancellationToken);
            (answered, proof) = (request, serverProof);
        }
        accepted?.Invoke(greeting);
        channel.BeforeHandshake = false; // read again only once this returns, so no frame sees the switch half-done
        await channel.ReplyAsync(answered, new Welcome(ProtocolLimits.CurrentVersion, observedAddress) { Proof = proof }, default, cancellationToken);
        return new HandshakeResult(greeting, null);
    }

    // Why we refuse (typed for our program) and what the other side is told (no program's options: it may be any client).
    private sealed record Refusal(HandshakeRefusal Reason, string Text);

    // Challenge, then the greeter's proof. Returns the message to answer (null: it closed), our proof, or why we refuse.
    private static async Task<(Message? Request, string? Proof, Refusal? Refusal)> AuthenticateAsync(MessageChannel channel, Hello hello, SharedSecret? secret,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (secret is null)
            return (hello, null, new(HandshakeRefusal.OpenNetwork, "this side runs without a secret (an open network) and cannot check yours: give both sides the same secret, or neither"));
        if (hello.AuthScheme is null)
            return (hello, null, new(HandshakeRefusal.SecretRequired, "a shared secret is required here"));
        if (channel.Binding is not { } binding)
            return (hello, null, new(HandshakeRefusal.SecretRequired, "a shared secret is required here, proved inside TLS 1.3 (PROTOCOL.md §6.1); this hello came in plain TCP (an older version?)"));
        if (hello.AuthScheme != SharedSecret.Scheme || hello.Nonce is null)
            return (hello, null, new(HandshakeRefusal.Scheme, $"authentication scheme '{hello.AuthScheme}' with{(hello.Nonce is null ? "out" : "")} a nonce is not supported; this side speaks '{SharedSecret.Scheme}' with a nonce"));

        var serverNonce = SharedSecret.NewNonce();
        await channel.ReplyAsync(hello, new Challenge(AuthToken.Encode(serverNonce)), default, cancellationToken);
        Message answer;
        using (var next = await channel.ReceiveAsync(timeout, cancellationToken))
        {
            if (next is null)
                return (null, null, null);
            answer = next.Message;
        }
        if (answer is not AuthProof { RequestId: not 0 } proof)
            return (answer, null, new(HandshakeRefusal.NoProof, $"expected 'proof' after the challenge, not '{answer.Type}'"));
        var clientNonce = Convert.FromHexString(hello.Nonce);
        if (!secret.Verify(Convert.FromHexString(proof.Proof), AuthDirection.Client, hello.Role, hello.Version, clientNonce, serverNonce, binding))
            return (proof, null, new(HandshakeRefusal.WrongProof, "the proof does not match: this side has a different secret, or a relay in the middle holds the TLS session"));
        var ours = secret.Prove(AuthDirection.Server, hello.Role, hello.Version, clientNonce, serverNonce, binding);
        return (proof, AuthToken.Encode(ours), null);
    }

    private static async Task<HandshakeResult> RefuseAsync(MessageChannel channel, Message request, string code, Refusal refusal, CancellationToken cancellationToken)
    {
        await channel.ReplyAsync(request, new ErrorReply(code, refusal.Text), default, cancellationToken);
        return new HandshakeResult(null, refusal.Text) { Reason = refusal.Reason };
    }
}
