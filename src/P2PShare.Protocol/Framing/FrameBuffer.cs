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
            ArrayPool<byte>.Shared.Return(array);
        Release();
    }

    private void GrowTo(int length, int filled)
    {
        // Rent first, then charge what was really rented (the pool rounds up); a refused charge keeps the old array.
        byte[] next = ArrayPool<byte>.Shared.Rent(length);
        long more = next.Length - Charged;
        if (_budget is not null && !_budget.TryReserve(more))
        {
            ArrayPool<byte>.Shared.Return(next);
            throw new FrameMemoryExhaustedException(
                $"no memory for a frame to grow to {next.Length} bytes: frames on all connections hold {_budget.InUse} of the {_budget.MaxBytes} bytes allowed");
        }
        if (_array is not null)
        {
            _array.AsSpan(0, filled).CopyTo(next);
            ArrayPool<byte>.Shared.Return(_array);
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
