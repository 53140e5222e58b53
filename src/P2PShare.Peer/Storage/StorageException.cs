namespace P2PShare.Peer.Storage;

/// <summary>
/// A storage problem the user must hear about: a name conflict, a full disk, an unreadable file.
/// The message is in plain words and names the file.
/// </summary>
public sealed class StorageException : Exception
{
    /// <summary>Creates the exception with a message naming the file and the problem.</summary>
    public StorageException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping the lower-level cause.</summary>
    public StorageException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Required by the analyzers; prefer the constructor that says what went wrong.</summary>
    public StorageException() : base("storage failure") { }
}
