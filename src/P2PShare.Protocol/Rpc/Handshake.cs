using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Rpc;

/// <summary>
/// The opening exchange of every connection: the connecting side sends <see cref="Hello"/>, the
/// accepting side answers <see cref="Welcome"/> or an error (and closes). Runs before the read loop.
/// </summary>
public static class Handshake
{
    /// <summary>
    /// Sends <paramref name="hello"/> and waits for the welcome. Throws <see cref="RemoteErrorException"/>
    /// when refused, <see cref="ProtocolException"/> on a wrong reply, <see cref="TimeoutException"/> when silent.
    /// </summary>
    public static async Task<Welcome> GreetAsync(MessageChannel channel, Hello hello, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(hello);
        await channel.SendAsync(hello with { RequestId = 1 }, default, cancellationToken);
        using var reply = await channel.ReceiveAsync(timeout, cancellationToken)
            ?? throw new IOException("the other side closed the connection during the handshake");
        return reply.Message switch
        {
            Welcome welcome when welcome.Version == ProtocolLimits.CurrentVersion => welcome,
            Welcome welcome => throw new ProtocolException($"the other side speaks protocol version {welcome.Version}, we speak {ProtocolLimits.CurrentVersion}"),
            ErrorReply error => throw new RemoteErrorException(error.Code, error.Text),
            var other => throw new ProtocolException($"expected 'welcome' in reply to 'hello', got '{other.Type}'"),
        };
    }

    /// <summary>
    /// Waits for the opening <see cref="Hello"/> and checks its version and role. Answers the
    /// welcome (with <paramref name="observedAddress"/>) or an error; returns null after refusing,
    /// and the caller closes the connection.
    /// </summary>
    public static Task<Hello?> AcceptAsync(MessageChannel channel, string expectedRole, string observedAddress, TimeSpan timeout, CancellationToken cancellationToken) =>
        AcceptAsync(channel, expectedRole, observedAddress, null, timeout, cancellationToken);

    /// <summary>
    /// As <see cref="AcceptAsync(MessageChannel, string, string, TimeSpan, CancellationToken)"/>, running
    /// <paramref name="accepted"/> after the hello is checked and before the welcome goes out, so
    /// whatever the welcome promises (being listed, being refreshed) is true when the other side reads it.
    /// </summary>
    public static async Task<Hello?> AcceptAsync(MessageChannel channel, string expectedRole, string observedAddress, Action<Hello>? accepted, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        using var first = await channel.ReceiveAsync(timeout, cancellationToken);
        if (first is null)
            return null;
        if (first.Message is not Hello hello)
        {
            await channel.ReplyAsync(first.Message, new ErrorReply(ErrorCodes.BadRequest, $"the first message must be 'hello', not '{first.Message.Type}'"), default, cancellationToken);
            return null;
        }
        if (hello.Version != ProtocolLimits.CurrentVersion)
        {
            await channel.ReplyAsync(hello, new ErrorReply(ErrorCodes.Version, $"protocol version {hello.Version} is not supported; this side speaks {ProtocolLimits.CurrentVersion}"), default, cancellationToken);
            return null;
        }
        if (hello.Role != expectedRole)
        {
            await channel.ReplyAsync(hello, new ErrorReply(ErrorCodes.BadRequest, $"role '{hello.Role}' is not served here (expected '{expectedRole}')"), default, cancellationToken);
            return null;
        }
        accepted?.Invoke(hello);
        await channel.ReplyAsync(hello, new Welcome(ProtocolLimits.CurrentVersion, observedAddress), default, cancellationToken);
        return hello;
    }
}
