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

    /// <summary>True when another process holds the download's lock: it is not a fault of this one, and waiting resolves it.</summary>
    public bool InUseElsewhere { get; init; }

    /// <summary>
    /// True when the name itself cannot be saved here (a file where a folder must go, a link on the way,
    /// a refused or hidden segment, outside the folder): running the same command again meets the same,
    /// so the user is not told to.
    /// </summary>
    public bool NameBlocked { get; init; }

    private readonly bool _diskFull;

    /// <summary>True when the cause is a full disk (ENOSPC, or ERROR_DISK_FULL on Windows), or a file that does not fit in the free space.</summary>
    public bool IsDiskFull
    {
        get => _diskFull || (InnerException is IOException io && IsDiskFullError(io));
        init => _diskFull = value;
    }

    /// <summary>True when <paramref name="error"/> says the disk (or the user's quota) is full.</summary>
    public static bool IsDiskFullError(IOException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        // Unix: the HResult is the raw errno (ENOSPC 28, EDQUOT 122); Windows: an HRESULT wrapping ERROR_DISK_FULL (112) or ERROR_HANDLE_DISK_FULL (39).
        return OperatingSystem.IsWindows()
            ? (error.HResult & 0xFFFF) is 112 or 39
            : error.HResult is 28 or 122;
    }

    /// <summary>The cause in plain words: "the disk is full (…)" for a full disk, else the error's own message.</summary>
    internal static string Cause(Exception error) =>
        error is IOException io && IsDiskFullError(io) ? $"the disk is full ({error.Message})" : error.Message;
}
