using Microsoft.Win32.SafeHandles;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Creates a download's <c>.part</c> with its whole length reserved on disk: a disk too small fails
/// at once, before any piece is fetched, and a disk that other programs fill later cannot refuse a
/// piece write, only the small state file beside it, so the pieces already recorded are kept.
/// </summary>
internal static class PartReservation
{
    /// <summary>
    /// Creates <paramref name="path"/> (which must not exist) with <paramref name="length"/> bytes
    /// reserved. Throws a <see cref="StorageException"/> that is <see cref="StorageException.IsDiskFull"/>,
    /// leaving no file behind, when they do not fit.
    /// </summary>
    public static SafeFileHandle Create(string path, long length, string name)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (FreeSpace(directory) is { } free && free < length)
            throw DoesNotFit(name, length, directory, free, null);
        try
        {
            // The runtime reserves with fallocate (Unix) or the allocation size (Windows), and deletes the file if that fails.
            return File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, preallocationSize: length);
        }
        catch (IOException e) when (!File.Exists(path))
        {
            throw DoesNotFit(name, length, directory, FreeSpace(directory), e);
        }
    }

    private static StorageException DoesNotFit(string name, long length, string directory, long? free, IOException? cause)
    {
        string left = free is { } bytes ? $", and {Units.Bytes(bytes)} is free there" : "";
        string message = $"the disk is full: the download of '{name}' needs {Units.Bytes(length)} in {directory}{left}";
        return cause is null ? new StorageException(message) { IsDiskFull = true } : new StorageException($"{message} ({cause.Message})", cause) { IsDiskFull = true };
    }

    // Free bytes for this user on the directory's filesystem; null if the platform cannot tell.
    private static long? FreeSpace(string directory)
    {
        try
        {
            return new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }
}
