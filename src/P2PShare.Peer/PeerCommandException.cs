namespace P2PShare.Peer;

/// <summary>A command could not be carried out; the message says why in plain words and what to try.</summary>
public sealed class PeerCommandException : Exception
{
    /// <summary>Creates the exception with a message for the user.</summary>
    public PeerCommandException(string message) : base(message) { }

    /// <summary>Creates the exception with a message for the user and its cause.</summary>
    public PeerCommandException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Required by the analyzers.</summary>
    public PeerCommandException() : base("the command failed") { }
}
