using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace P2PShare.Peer.Storage;

/// <summary>
/// What the file system says about one version of a file, cheaply and without reading it: length,
/// modification time, change time, inode and device. A file whose stamp is unchanged has not been
/// written, truncated or replaced since: <c>touch -r</c> (or File.SetLastWriteTimeUtc)
/// can put the modification time back, but not the change time, which the kernel sets to now on
/// every write and every time change; a file replaced by another gets another inode.
/// </summary>
/// <remarks>
/// Read with <c>statx</c> on Linux (its struct is laid out alike on every architecture, unlike
/// <c>stat</c>'s). Elsewhere only length and modification time are known (change time, inode and
/// device are 0), which is what the stamp was before; there a same-size change that restores the
/// modification time is not noticed.
/// </remarks>
internal sealed record FileStamp(long Length, long LastWriteNanos, long ChangeNanos, ulong Inode, ulong Device)
{
    /// <summary>True where change time and inode are read (Linux).</summary>
    public static bool IsComplete => OperatingSystem.IsLinux();

    /// <summary>The stamp of <paramref name="path"/>; <see cref="FileNotFoundException"/> or <see cref="IOException"/> if it cannot be read.</summary>
    public static FileStamp Of(string path)
    {
        if (!IsComplete)
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new FileNotFoundException($"'{path}' does not exist", path);
            return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks * 100, 0, 0, 0);
        }
        var buffer = new byte[LibC.StatXSize];
        if (LibC.StatX(LibC.AtFdCwd, path, 0, LibC.StatXBasicStats, buffer) != 0)
            throw Failure(path);
        return Parse(buffer);
    }

    /// <summary>The stamp of <paramref name="path"/>, or null if it cannot be read (moved or deleted already: the next scan sees what is there).</summary>
    public static FileStamp? TryOf(string path)
    {
        try
        {
            return Of(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The stamp of the file open as <paramref name="handle"/>; null where that cannot be asked (not Linux).</summary>
    public static FileStamp? Of(SafeFileHandle handle, string path)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (!IsComplete)
            return null;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var buffer = new byte[LibC.StatXSize];
            if (LibC.StatX((int)handle.DangerousGetHandle(), "", LibC.AtEmptyPath, LibC.StatXBasicStats, buffer) != 0)
                throw Failure(path);
            return Parse(buffer);
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }

    /// <summary>
    /// What kind of file <paramref name="path"/> is when it is not a regular file ("a named pipe",
    /// "a socket", "a device"), or null for a regular file (and wherever that cannot be asked). Opening a
    /// named pipe to hash it would block until a writer comes, so such files are never opened.
    /// </summary>
    public static string? NotRegular(string path)
    {
        if (!IsComplete)
            return null;
        var buffer = new byte[LibC.StatXSize];
        if (LibC.StatX(LibC.AtFdCwd, path, 0, LibC.StatXBasicStats, buffer) != 0)
            throw Failure(path);
        int type = MemoryMarshal.Read<ushort>(buffer.AsSpan(28)) & 0xF000; // stx_mode & S_IFMT
        return type switch
        {
            0x8000 => null,                   // S_IFREG
            0x1000 => "a named pipe (FIFO)",  // S_IFIFO
            0xC000 => "a socket",             // S_IFSOCK
            0x2000 or 0x6000 => "a device",   // S_IFCHR, S_IFBLK
            0x4000 => "a folder",             // S_IFDIR
            _ => "not a regular file",
        };
    }

    /// <summary>Bytes the file system has allocated to <paramref name="path"/> (what it costs on disk); null where unknown.</summary>
    public static long? AllocatedBytes(string path)
    {
        if (!IsComplete)
            return null;
        var buffer = new byte[LibC.StatXSize];
        if (LibC.StatX(LibC.AtFdCwd, path, 0, LibC.StatXBasicStats, buffer) != 0)
            throw Failure(path);
        return checked((long)MemoryMarshal.Read<ulong>(buffer.AsSpan(48)) * 512); // stx_blocks, in 512-byte units
    }

    // struct statx: stx_ino at 32, stx_size at 40, stx_ctime at 96, stx_mtime at 112 (each i64 seconds + u32 nanoseconds), stx_dev_major/minor at 136/140; native byte order.
    private static FileStamp Parse(byte[] b)
    {
        var span = b.AsSpan();
        ulong inode = MemoryMarshal.Read<ulong>(span[32..]);
        long size = (long)MemoryMarshal.Read<ulong>(span[40..]);
        long ctime = Nanos(span[96..]);
        long mtime = Nanos(span[112..]);
        ulong device = ((ulong)MemoryMarshal.Read<uint>(span[136..]) << 32) | MemoryMarshal.Read<uint>(span[140..]);
        return new FileStamp(size, mtime, ctime, inode, device);
    }

    private static long Nanos(ReadOnlySpan<byte> timestamp) =>
        (MemoryMarshal.Read<long>(timestamp) * 1_000_000_000) + MemoryMarshal.Read<uint>(timestamp[8..]);

    private static IOException Failure(string path)
    {
        int errno = Marshal.GetLastPInvokeError();
        const int ENOENT = 2;
        return errno == ENOENT
            ? new FileNotFoundException($"'{path}' does not exist", path)
            : new IOException($"cannot read the attributes of {path} (errno {errno})", errno);
    }
}
