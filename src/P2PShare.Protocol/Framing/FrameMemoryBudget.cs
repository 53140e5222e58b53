namespace P2PShare.Protocol.Framing;

/// <summary>
/// A cap on the bytes that frames hold across every connection of a server, from the moment a
/// frame's buffer grows until the frame is disposed. A frame's length prefix is only a claim: one
/// connection is bounded by <see cref="ProtocolLimits.MaxFrameLength"/>, but many connections each
/// sending most of a large frame would still add up; this bounds the sum. Thread-safe.
/// </summary>
public sealed class FrameMemoryBudget
{
    /// <summary>
    /// How much the frames must have held at once before their draining is worth a full collection:
    /// ordinary traffic never gets there, a burst of large frames (an attack, or many big announces) does.
    /// </summary>
    public const long DrainCollectThreshold = 16L * 1024 * 1024;

    private static readonly TimeSpan MinimumCollectInterval = TimeSpan.FromSeconds(10);

    // The connections that released the last buffers are still closing when the count reaches zero, and
    // what they still reference survives a collection made at once (seen: 91 MiB kept on a loaded machine).
    private static readonly TimeSpan DrainSettleDelay = TimeSpan.FromSeconds(2);
    private static long s_lastCollect = long.MinValue / 2;

    private long _inUse;
    private long _highWater;

    /// <summary>
    /// What a tracker or piece server allows by default: 64 MiB, room for 16 of the largest headers or
    /// 4 of the largest frames at once, while 64 connections each sending most of a 16 MiB frame would want 1 GiB.
    /// </summary>
    public const long DefaultServerBytes = 64L * 1024 * 1024;

    private readonly FrameMemoryBudget? _parent;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FrameMemoryBudget> _shares = new(StringComparer.Ordinal);

    /// <summary>
    /// A budget of <paramref name="maxBytes"/> (at least one frame's worth of growth step); with
    /// <paramref name="parent"/>, a share of it: every byte taken here is taken there too. A server gives
    /// each remote address such a share, so a few connections from one address cannot take the whole
    /// budget and turn every other client's frames away.
    /// </summary>
    public FrameMemoryBudget(long maxBytes, FrameMemoryBudget? parent = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, FrameBuffer.FirstStep);
        MaxBytes = maxBytes;
        _parent = parent;
    }

    /// <summary>
    /// The share of this budget that the connections from one remote address (its text) may hold
    /// together: a quarter, but never less than one largest frame needs while it grows (see
    /// <see cref="LargestFrameGrowth"/>), within the whole. A dozen connections from one address, each
    /// sending most of a large frame, had taken all of a tracker's budget, and every other client's
    /// announce was refused. One small record per address ever seen is kept, which on a LAN is bounded.
    /// </summary>
    public FrameMemoryBudget ShareFor(string address) =>
        _shares.GetOrAdd(address, static (_, all) =>
            new FrameMemoryBudget(Math.Min(all.MaxBytes, Math.Max(Math.Max(all.MaxBytes / 4, LargestFrameGrowth), FrameBuffer.FirstStep)), all), this);

    /// <summary>
    /// What reading one frame of <see cref="ProtocolLimits.MaxFrameLength"/> holds at its peak: its last
    /// step copies the half-size buffer into the whole one, so both are alive at once. A quarter of the
    /// default budget is exactly one largest frame, so a lone 16 MiB frame on an idle server was refused.
    /// </summary>
    public static long LargestFrameGrowth { get; } = ProtocolLimits.Default.MaxFrameLength + ProtocolLimits.Default.MaxFrameLength / 2;

    /// <summary>The cap.</summary>
    public long MaxBytes { get; }

    /// <summary>Bytes currently held by frames being read or not yet disposed.</summary>
    public long InUse => Volatile.Read(ref _inUse);

    /// <summary>Takes <paramref name="bytes"/> if they fit under this cap and every parent's; false (taking nothing) if not.</summary>
    internal bool TryReserve(long bytes)
    {
        if (!TryReserveHere(bytes))
            return false;
        if (_parent is null || _parent.TryReserve(bytes))
            return true;
        Interlocked.Add(ref _inUse, -bytes);
        return false;
    }

    private bool TryReserveHere(long bytes)
    {
        long current = Volatile.Read(ref _inUse);
        while (true)
        {
            if (current + bytes > MaxBytes)
                return false;
            long seen = Interlocked.CompareExchange(ref _inUse, current + bytes, current);
            if (seen == current)
            {
                if (current + bytes > Volatile.Read(ref _highWater))
                    Volatile.Write(ref _highWater, current + bytes); // a racy maximum is enough for a threshold
                return true;
            }
            current = seen;
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took.</summary>
    internal void Release(long bytes)
    {
        if (_parent is not null)
        {
            Interlocked.Add(ref _inUse, -bytes);
            _parent.Release(bytes);
            return;
        }
        if (Interlocked.Add(ref _inUse, -bytes) == 0 && Interlocked.Exchange(ref _highWater, 0) >= DrainCollectThreshold)
            GiveBackMemory();
    }

    // Large frame buffers are plain arrays the GC takes back; a server GC keeps the freed memory
    // resident long after a burst of them (a tracker stayed 200 MiB above its start after 64
    // connections each sent a 16 MiB frame). Once such a burst has drained (and two seconds more), one compacting, decommitting
    // collection gives it back to the OS: at most one every ten seconds, off the connection's thread, and
    // never skipped: a drain that comes too soon after the last collection gets one when the ten seconds end.
    private static void GiveBackMemory()
    {
        if (Interlocked.Exchange(ref s_collectPending, 1) == 1)
            return; // the one queued runs after this drain too
        long wait = Math.Max((long)DrainSettleDelay.TotalMilliseconds,
            Interlocked.Read(ref s_lastCollect) + (long)MinimumCollectInterval.TotalMilliseconds - Environment.TickCount64);
        _ = Task.Delay(TimeSpan.FromMilliseconds(wait)).ContinueWith(static _ =>
        {
            Volatile.Write(ref s_collectPending, 0);
            Interlocked.Exchange(ref s_lastCollect, Environment.TickCount64);
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private static int s_collectPending;
}
