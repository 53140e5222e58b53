using Microsoft.Win32.SafeHandles;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The claim of one process on one download in a repository: <c>ID.lock</c> beside the <c>.part</c>,
/// held open exclusively (FileShare.None, which .NET maps to <c>flock(LOCK_EX)</c> on Unix). Only the
/// holder reads, writes, recovers, completes or deletes that download's files, so two processes
/// downloading one file into one folder (or a `serve` sharing a download another `get` continues)
/// never fight over the state file. The operating system lets go when the process dies, SIGKILL
/// included, so a crash never leaves a download locked.
/// </summary>
internal sealed class DownloadLock : IDisposable
{
    private const int MaxReopens = 10;
    private readonly SafeFileHandle _handle;
    private int _released;

    private DownloadLock(string path, SafeFileHandle handle)
    {
        Path = path;
        _handle = handle;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock at <paramref name="path"/>, creating the file if needed; null if another open
    /// file (another process, or another repository in this one) holds it. Throws
    /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> if it cannot be opened at all.
    /// </summary>
    public static DownloadLock? TryAcquire(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            SafeFileHandle handle;
            try
            {
                handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (IsHeldElsewhere(e))
            {
                return null;
            }
            // A holder deletes the file before letting go: if the one we locked is no longer at the path,
            // another process may already hold the new one there, so lock that instead.
            if (attempt < MaxReopens && !StillAt(handle, path))
            {
                handle.Dispose();
                continue;
            }
            return new DownloadLock(path, handle);
        }
    }

    /// <summary>True when <paramref name="error"/> is the refusal of a lock someone else holds.</summary>
    public static bool IsHeldElsewhere(IOException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        // Unix: the raw errno of flock (EWOULDBLOCK: 11 on Linux, 35 on macOS); Windows: ERROR_SHARING_VIOLATION (32) or ERROR_LOCK_VIOLATION (33).
        return OperatingSystem.IsWindows()
            ? (error.HResult & 0xFFFF) is 32 or 33
            : error.HResult == (OperatingSystem.IsMacOS() ? 35 : 11);
    }

    /// <summary>Lets go; with <paramref name="delete"/> the lock file is removed first (the download's other files are gone).</summary>
    public void Release(bool delete)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
            return;
        if (delete)
            AtomicFile.TryDelete(Path);
        _handle.Dispose();
    }

    /// <summary>Lets go, keeping the lock file.</summary>
    public void Dispose() => Release(delete: false);

    private static bool StillAt(SafeFileHandle handle, string path)
    {
        var locked = FileStamp.Of(handle, path);
        if (locked is null)
            return true; // cannot tell here (not Linux)
        try
        {
            var there = FileStamp.Of(path);
            return there.Inode == locked.Inode && there.Device == locked.Device;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }
}
