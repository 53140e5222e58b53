using System.Runtime.InteropServices;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The few POSIX calls .NET does not expose: <c>lseek</c> with SEEK_DATA/SEEK_HOLE (to find the
/// written ranges of a sparse file) and <c>fsync</c> of a directory (<see cref="File.OpenHandle(string, FileMode, FileAccess, FileShare, FileOptions, long)"/>
/// refuses directories). Only used on Linux and macOS, whose constants differ.
/// </summary>
internal static class LibC
{
    public const int ENXIO = 6;
    public const int EBADF = 9;
    public const int EINVAL = 22;

    /// <summary>True where these calls and the constants below are known.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    public static int SeekData => OperatingSystem.IsMacOS() ? 4 : 3;

    public static int SeekHole => OperatingSystem.IsMacOS() ? 3 : 4;

    /// <summary>O_RDONLY | O_CLOEXEC (O_DIRECTORY is left out: its value differs between CPU architectures on Linux, and the caller names a directory it just used).</summary>
    public static int OpenReadOnlyCloseOnExec => OperatingSystem.IsMacOS() ? 0x1000000 : 0x80000;

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    public static extern long LSeek(int fd, long offset, int whence);

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static extern int FSync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);
}
