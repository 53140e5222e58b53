using System.Numerics;

namespace P2PShare.Protocol.Files;

/// <summary>
/// Which pieces of a file a holder has: a bit per piece, most significant bit first within a
/// byte (piece 0 is the top bit of byte 0). Not thread-safe; owners lock around it.
/// </summary>
public sealed class PieceSet
{
    private readonly byte[] _bits;

    /// <summary>An empty set for a file of <paramref name="count"/> pieces.</summary>
    public PieceSet(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
        _bits = new byte[(count + 7) / 8];
    }

    /// <summary>Pieces in the file.</summary>
    public int Count { get; }

    /// <summary>Pieces present.</summary>
    public int Present { get; private set; }

    /// <summary>True when every piece is present (an empty file is always complete).</summary>
    public bool IsComplete => Present == Count;

    /// <summary>True when piece <paramref name="index"/> is present.</summary>
    public bool Contains(int index)
    {
        if ((uint)index >= (uint)Count) // one compare on a hot path (the picker scans every piece)
            ThrowOutOfRange(index);
        return (_bits[index >> 3] & (0x80 >> (index & 7))) != 0;
    }

    private void ThrowOutOfRange(int index) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, $"piece index must be in [0, {Count})");

    /// <summary>Marks piece <paramref name="index"/> present; false if it already was.</summary>
    public bool Add(int index)
    {
        if (Contains(index))
            return false;
        _bits[index >> 3] |= (byte)(0x80 >> (index & 7));
        Present++;
        return true;
    }

    /// <summary>Marks piece <paramref name="index"/> absent; false if it already was.</summary>
    public bool Remove(int index)
    {
        if (!Contains(index))
            return false;
        _bits[index >> 3] &= (byte)~(0x80 >> (index & 7));
        Present--;
        return true;
    }

    /// <summary>Adds every piece of <paramref name="other"/> (a set of the same file); returns how many were new.</summary>
    public int UnionWith(PieceSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count != Count)
            throw new ArgumentException($"a set of {other.Count} pieces cannot join a set of {Count}", nameof(other));
        int before = Present;
        int present = 0;
        for (int i = 0; i < _bits.Length; i++)
        {
            _bits[i] |= other._bits[i];
            present += BitOperations.PopCount(_bits[i]);
        }
        Present = present;
        return present - before;
    }

    /// <summary>Marks every piece present.</summary>
    public void AddAll()
    {
        for (int i = 0; i < Count; i++)
            Add(i);
    }

    /// <summary>A set with every piece present.</summary>
    public static PieceSet Full(int count)
    {
        var set = new PieceSet(count);
        set.AddAll();
        return set;
    }

    /// <summary>The indices present, in order.</summary>
    public IEnumerable<int> Indices()
    {
        for (int i = 0; i < Count; i++)
            if (Contains(i))
                yield return i;
    }

    /// <summary>A copy.</summary>
    public PieceSet Clone() => FromBytes(Count, _bits);

    /// <summary>The bitfield bytes (spare bits in the last byte are zero).</summary>
    public byte[] ToBytes() => (byte[])_bits.Clone();

    /// <summary>Parses a bitfield of <paramref name="count"/> pieces; spare bits must be zero.</summary>
    public static PieceSet FromBytes(int count, ReadOnlySpan<byte> bits)
    {
        var set = new PieceSet(count);
        if (bits.Length != set._bits.Length)
            throw new ProtocolException($"piece bitfield of {bits.Length} bytes does not fit {count} pieces (expected {set._bits.Length})");
        bits.CopyTo(set._bits);
        int spare = set._bits.Length * 8 - count;
        if (spare > 0 && (set._bits[^1] & ((1 << spare) - 1)) != 0)
            throw new ProtocolException($"piece bitfield sets bits past piece {count - 1}");
        int present = 0;
        foreach (byte b in set._bits)
            present += BitOperations.PopCount(b);
        set.Present = present;
        return set;
    }
}
