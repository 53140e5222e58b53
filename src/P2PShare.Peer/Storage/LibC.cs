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

    /// <summary>Linux only: flushes the whole file system <paramref name="fd"/> is on, in one call (a batch of small files costs one flush, not one each).</summary>
    [DllImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    public static extern int SyncFs(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);

    /// <summary>AT_FDCWD: a relative path in <see cref="StatX"/> is taken from the working directory.</summary>
    public const int AtFdCwd = -100;

    /// <summary>AT_EMPTY_PATH: <see cref="StatX"/> describes the descriptor itself.</summary>
    public const int AtEmptyPath = 0x1000;

    /// <summary>STATX_BASIC_STATS: every field of the classic stat.</summary>
    public const uint StatXBasicStats = 0x7ff;

    /// <summary>Size of struct statx, the same on every Linux architecture (which is why statx is used rather than stat).</summary>
    public const int StatXSize = 256;

    /// <summary>Linux only (glibc 2.28 and later); <paramref name="buffer"/> is <see cref="StatXSize"/> bytes.</summary>
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    public static extern int StatX(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);
}
