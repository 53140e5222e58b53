using System.Runtime.InteropServices;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Replaces a small file so that a crash leaves either the old or the new content, never a torn
/// mix: write a temporary file beside it, flush it to disk, rename it over the old one, then flush
/// the directory so the rename itself is on disk.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Suffix of the temporary file; a leftover one (from a crash) is never read.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        string temp = path + TempSuffix;
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Flushes <paramref name="directory"/>'s entries to disk, so a rename in it survives a power cut
    /// (POSIX makes the rename durable only once its directory is fsynced). True if it was flushed;
    /// false where that cannot be asked for: Windows (NTFS journals the rename itself) and file systems
    /// that refuse fsync on a directory (EINVAL, EBADF). Throws <see cref="IOException"/> if the flush failed.
    /// </summary>
    public static bool SyncDirectory(string directory)
    {
        if (!LibC.IsSupported)
            return false;
        int fd = LibC.Open(directory, LibC.OpenReadOnlyCloseOnExec);
        if (fd < 0)
            throw new IOException($"cannot open the directory {directory} to flush it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (LibC.FSync(fd) == 0)
                return true;
            int errno = Marshal.GetLastPInvokeError();
            return errno is LibC.EINVAL or LibC.EBADF
                ? false
                : throw new IOException($"cannot flush the directory {directory} (errno {errno})", errno);
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }

    /// <summary>Deletes <paramref name="path"/> if it exists; false if that failed.</summary>
    public static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
