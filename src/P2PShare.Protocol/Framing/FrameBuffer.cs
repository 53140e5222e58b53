using System.Buffers;
using System.Numerics;

namespace P2PShare.Protocol.Framing;

/// <summary>
/// The buffer of one frame being read, grown as its bytes arrive rather than sized by its length
/// prefix: the prefix is the sender's claim, and a sender that declares 16 MiB and sends 10 bytes
/// must cost about 10 bytes, not 16 MiB. Doubles from <see cref="FirstStep"/>, so it never holds more
/// than twice what arrived (plus the first step) and copies each byte at most about once more.
/// Every step is charged to the optional <see cref="FrameMemoryBudget"/>.
/// </summary>
internal sealed class FrameBuffer
{
    /// <summary>The first allocation for a frame body larger than it (and the whole of a smaller one).</summary>
    internal const int FirstStep = 16 * 1024;

    /// <summary>
    /// The first allocation for a reader without a budget: a downloader reading the replies of holders it
    /// dialled itself (at most 50 at once). A whole default piece fits, so pieces are read without the
    /// copies of growing; a holder that lies about a frame's length still costs at most this much.
    /// </summary>
    internal const int UnbudgetedFirstStep = 1024 * 1024;

    /// <summary>
    /// Largest buffer a budgeted reader (a server's) takes from, and gives back to, the shared pool. The
    /// pool keeps what it is given per core and per thread, and a tracker has a thread per client: with
    /// a higher limit every client's growth steps stayed in its thread's cache, outside any budget
    /// (docs/BENCHMARKS.md). Above this a server's buffers are plain arrays the GC takes back once the
    /// frame is done; a client's (no budget: a downloader's pieces) stay pooled, as they are reused at once.
    /// </summary>
    internal const int PooledLimit = 64 * 1024;

    private readonly FrameMemoryBudget? _budget;
    private byte[]? _array;
    private int _capacity;

    private FrameBuffer(FrameMemoryBudget? budget) => _budget = budget;

    /// <summary>Bytes charged to the budget (the rented array's length).</summary>
    public long Charged { get; private set; }

    /// <summary>The array; valid until <see cref="Detach"/> or <see cref="Return"/>.</summary>
    public byte[] Array => _array ?? throw new ObjectDisposedException(nameof(FrameBuffer));

    /// <summary>A buffer for a body of <paramref name="bodyLength"/> bytes, starting with its first step.</summary>
    public static FrameBuffer Start(int bodyLength, FrameMemoryBudget? budget)
    {
        var buffer = new FrameBuffer(budget);
        buffer.GrowTo(Math.Min(bodyLength, budget is null ? UnbudgetedFirstStep : FirstStep), 0);
        return buffer;
    }

    /// <summary>Room left in the current array for a body of <paramref name="bodyLength"/> with <paramref name="filled"/> bytes in.</summary>
    public Memory<byte> Free(int filled, int bodyLength)
    {
        if (filled == _capacity)
            GrowTo(Math.Min(bodyLength, (int)Math.Min(int.MaxValue, 2L * _capacity)), filled);
        return _array.AsMemory(filled, Math.Min(_capacity, bodyLength) - filled);
    }

    /// <summary>Hands the array and its budget charge to a frame; this buffer then holds nothing.</summary>
    public (byte[] Array, long Charged) Detach()
    {
        var array = Array;
        var charged = Charged;
        _array = null;
        Charged = 0;
        return (array, charged);
    }

    /// <summary>Returns the array to the pool and its charge to the budget; safe after <see cref="Detach"/>.</summary>
    public void Return()
    {
        var array = _array;
        _array = null;
        if (array is not null)
            ReturnArray(array, _budget);
        Release();
    }

    /// <summary>Gives back an array this class rented for a reader with <paramref name="budget"/>.</summary>
    internal static void ReturnArray(byte[] array, FrameMemoryBudget? budget)
    {
        if (Pooled(array.Length, budget))
            ArrayPool<byte>.Shared.Return(array);
    }

    private static bool Pooled(int length, FrameMemoryBudget? budget) => budget is null || length <= PooledLimit;

    private void GrowTo(int length, int filled)
    {
        // Charged before it is allocated, and while both the old array and the new one are alive: the
        // budget bounds what is really held, even when many connections grow at the same moment.
        int size = Pooled(length, _budget) ? (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(length, 16)) : length;
        if (_budget is not null && !_budget.TryReserve(size))
            throw new FrameMemoryExhaustedException(
                $"no memory for a frame to grow to {size} bytes: frames on all connections hold {_budget.InUse} of the {_budget.MaxBytes} bytes allowed");
        Charged += size;
        byte[] next = Pooled(length, _budget) ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);
        if (_array is not null)
        {
            _array.AsSpan(0, filled).CopyTo(next);
            ReturnArray(_array, _budget);
            _budget?.Release(_array.Length);
            Charged -= _array.Length;
        }
        _array = next;
        _capacity = next.Length;
    }

    private void Release()
    {
        if (Charged != 0)
            _budget?.Release(Charged);
        Charged = 0;
    }
}
