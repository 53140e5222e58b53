using System.Buffers;

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
    /// Largest buffer a budgeted reader takes from (and gives back to) the shared pool. The pool keeps
    /// what it is given, per core and per thread, for a minute or more: 64 connections' worth of 16 MiB
    /// buffers would stay after the connections closed. A server's larger buffers are plain arrays the
    /// GC takes back; a client's (no budget: a downloader's pieces) stay pooled, as they are reused at once.
    /// </summary>
    internal const int PooledLimit = 1024 * 1024;

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
        buffer.GrowTo(Math.Min(bodyLength, FirstStep), 0);
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
        if (budget is null || array.Length <= PooledLimit)
            ArrayPool<byte>.Shared.Return(array);
    }

    private static byte[] RentArray(int length, FrameMemoryBudget? budget) =>
        budget is null || length <= PooledLimit ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    private void GrowTo(int length, int filled)
    {
        // Rent first, then charge what was really rented (the pool rounds up); a refused charge keeps the old array.
        byte[] next = RentArray(length, _budget);
        long more = next.Length - Charged;
        if (_budget is not null && !_budget.TryReserve(more))
        {
            ReturnArray(next, _budget);
            throw new FrameMemoryExhaustedException(
                $"no memory for a frame to grow to {next.Length} bytes: frames on all connections hold {_budget.InUse} of the {_budget.MaxBytes} bytes allowed");
        }
        if (_array is not null)
        {
            _array.AsSpan(0, filled).CopyTo(next);
            ReturnArray(_array, _budget);
        }
        _array = next;
        _capacity = next.Length;
        Charged = next.Length;
    }

    private void Release()
    {
        if (Charged != 0)
            _budget?.Release(Charged);
        Charged = 0;
    }
}
