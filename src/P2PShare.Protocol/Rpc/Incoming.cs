using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Rpc;

/// <summary>
/// A received message with its payload. The payload buffer is pooled: dispose when done with it.
/// </summary>
public sealed class Incoming : IDisposable
{
    private readonly Frame _frame;

    internal Incoming(Message message, Frame frame)
    {
        Message = message;
        _frame = frame;
    }

    /// <summary>Its place among the messages its channel has read (1, 2, …), replies and requests alike.</summary>
    public long Sequence { get; init; }

    /// <summary>The decoded message.</summary>
    public Message Message { get; }

    /// <summary>The raw payload; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Payload => _frame.Payload;

    /// <summary>Returns the payload buffer to the pool.</summary>
    public void Dispose() => _frame.Dispose();
}
