namespace P2PShare.Protocol.Framing;

/// <summary>
/// A cap on the bytes that frames hold across every connection of a server, from the moment a
/// frame's buffer grows until the frame is disposed. A frame's length prefix is only a claim: one
/// connection is bounded by <see cref="ProtocolLimits.MaxFrameLength"/>, but many connections each
/// sending most of a large frame would still add up; this bounds the sum. Thread-safe.
/// </summary>
public sealed class FrameMemoryBudget
{
    private long _inUse;

    /// <summary>
    /// What a tracker or piece server allows by default: 64 MiB, room for 16 of the largest headers or
    /// 4 of the largest frames at once, while 64 connections each sending most of a 16 MiB frame would want 1 GiB.
    /// </summary>
    public const long DefaultServerBytes = 64L * 1024 * 1024;

    /// <summary>A budget of <paramref name="maxBytes"/> (at least one frame's worth of growth step).</summary>
    public FrameMemoryBudget(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, FrameBuffer.FirstStep);
        MaxBytes = maxBytes;
    }

    /// <summary>The cap.</summary>
    public long MaxBytes { get; }

    /// <summary>Bytes currently held by frames being read or not yet disposed.</summary>
    public long InUse => Volatile.Read(ref _inUse);

    /// <summary>Takes <paramref name="bytes"/> if they fit under the cap; false (taking nothing) if not.</summary>
    internal bool TryReserve(long bytes)
    {
        long current = Volatile.Read(ref _inUse);
        while (true)
        {
            if (current + bytes > MaxBytes)
                return false;
            long seen = Interlocked.CompareExchange(ref _inUse, current + bytes, current);
            if (seen == current)
                return true;
            current = seen;
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took.</summary>
    internal void Release(long bytes) => Interlocked.Add(ref _inUse, -bytes);
}
