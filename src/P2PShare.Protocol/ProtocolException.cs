namespace P2PShare.Protocol;

/// <summary>
/// The one exception the wire format throws for input that can never be valid: a frame over its
/// limit, a broken escape, a missing or malformed field. Short input is not an error and never
/// raises this. The message always names the offending numbers or keys. Not sealed: a server that
/// runs out of frame memory (<see cref="Framing.FrameMemoryExhaustedException"/>) ends the connection the same way.
/// </summary>
public class ProtocolException : Exception
{
    /// <summary>Creates the exception with a message that names what was wrong.</summary>
    public ProtocolException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the lower-level cause.</summary>
    public ProtocolException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Required by the analyzers; prefer the constructor that says what went wrong.</summary>
    public ProtocolException() : base("protocol violation") { }
}
