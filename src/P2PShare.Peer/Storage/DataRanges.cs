using Microsoft.Win32.SafeHandles;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Which byte ranges of a sparse file hold data, asked of the file system with
/// <c>lseek(SEEK_DATA/SEEK_HOLE)</c>. A <c>.part</c> is created sparse (nothing preallocated), so its
/// data ranges are the pieces written so far, including those still only in the page cache after the
/// process was killed.
/// </summary>
internal static class DataRanges
{
    /// <summary>
    /// The data ranges (start, end) of the first <paramref name="length"/> bytes of <paramref name="handle"/>,
    /// in order; null where the platform or file system cannot tell (the caller must then assume
    /// everything may be written). May over-report (file systems round to blocks), never under-report.
    /// </summary>
    public static List<(long Start, long End)>? TryFind(SafeFileHandle handle, long length)
    {
        if (!LibC.IsSupported)
            return null;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            var ranges = new List<(long, long)>();
            long position = 0;
            while (position < length)
            {
                long data = LibC.LSeek(fd, position, LibC.SeekData);
                if (data < 0)
                    return System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == LibC.ENXIO ? ranges : null; // ENXIO: no data past position
                if (data >= length)
                    break;
                long hole = LibC.LSeek(fd, data, LibC.SeekHole);
                if (hole < 0)
                    return null;
                ranges.Add((data, Math.Min(hole, length)));
                position = hole;
            }
            return ranges;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
    }
}
