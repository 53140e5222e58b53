using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Rpc;

/// <summary>Requests whose reply must be one message type: the check every caller would otherwise repeat.</summary>
public static class TypedRequests
{
    /// <summary>
    /// Sends a request and returns its reply as <typeparamref name="T"/>; an <c>error</c> reply
    /// throws <see cref="RemoteErrorException"/>, any other type <see cref="ProtocolException"/>.
    /// The caller owns the returned payload.
    /// </summary>
    public static async Task<(T Reply, Incoming Raw)> RequestAsync<T>(this MessageChannel channel, Message request, TimeSpan timeout, CancellationToken cancellationToken = default)
        where T : Message
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(request);
        var incoming = await channel.RequestAsync(request, timeout, cancellationToken);
        switch (incoming.Message)
        {
            case T reply:
                return (reply, incoming);
            case ErrorReply error:
                incoming.Dispose();
                throw new RemoteErrorException(error.Code, error.Text);
            default:
                incoming.Dispose();
                throw new ProtocolException($"'{incoming.Message.Type}' is no answer to '{request.Type}'"); // wire names only: a user may read this
        }
    }
}
