namespace P2PShare.Protocol.Framing;

/// <summary>
/// A frame could not grow because the server's <see cref="FrameMemoryBudget"/> is spent by other
/// connections' frames. Like any <see cref="ProtocolException"/> it ends the connection, but it is
/// the server's state, not the other side's fault, so servers log it as its own warning.
/// </summary>
public sealed class FrameMemoryExhaustedException : ProtocolException
{
    /// <summary>Creates the exception with a message naming the numbers.</summary>
    public FrameMemoryExhaustedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public FrameMemoryExhaustedException()
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public FrameMemoryExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
