namespace P2PShare.Protocol.Rpc;

/// <summary>
/// The other side said <c>bye</c> where an answer was due (PROTOCOL.md §6): it is leaving on purpose.
/// A connection fault like any closed connection, which a caller may tell apart to say so quietly.
/// </summary>
public sealed class OtherSideLeftException : IOException
{
    /// <summary>The usual message.</summary>
    public OtherSideLeftException() : base("the other side is leaving (it said bye)") { }

    /// <summary>Required by the analyzers.</summary>
    public OtherSideLeftException(string message) : base(message) { }

    /// <summary>Required by the analyzers.</summary>
    public OtherSideLeftException(string message, Exception inner) : base(message, inner) { }
}
