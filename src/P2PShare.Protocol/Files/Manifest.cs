using System.Buffers.Binary;
using System.Security.Cryptography;

namespace P2PShare.Protocol.Files;

/// <summary>
/// What a file is, independent of its name: its length, its piece length and the SHA-256 of every
/// piece. Its canonical bytes are hashed to give the <see cref="FileId"/>, so a manifest fetched
/// from a stranger can be checked against the id it was fetched for.
/// </summary>
/// <remarks>
/// Canonical bytes: u64 length (big-endian) | u32 piece length (big-endian) | 32-byte SHA-256 of
/// each piece in order. The piece count is derived: ceil(length / piece length), 0 for an empty file.
/// </remarks>
public sealed class Manifest
{
    /// <summary>Bytes before the piece hashes in the canonical form.</summary>
    public const int HeaderLength = 12;

    /// <summary>Bytes of one piece hash.</summary>
    public const int HashLength = 32;

    private readonly byte[] _pieceHashes;

    private Manifest(long length, int pieceLength, byte[] pieceHashes)
    {
        Length = length;
        PieceLength = pieceLength;
        _pieceHashes = pieceHashes;
        PieceCount = pieceHashes.Length / HashLength;
        Id = FileId.OfManifestBytes(ToBytes());
    }

    /// <summary>The file's length in bytes.</summary>
    public long Length { get; }

    /// <summary>The length of every piece but the last.</summary>
    public int PieceLength { get; }

    /// <summary>How many pieces the file has.</summary>
    public int PieceCount { get; }

    /// <summary>SHA-256 of <see cref="ToBytes"/>.</summary>
    public FileId Id { get; }

    /// <summary>The expected SHA-256 of piece <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> PieceHash(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, PieceCount);
        return _pieceHashes.AsSpan(index * HashLength, HashLength);
    }

    /// <summary>The length of piece <paramref name="index"/> (the last may be shorter).</summary>
    public int PieceSize(int index) => PieceSize(Length, PieceLength, index);

    /// <summary>Where piece <paramref name="index"/> starts in the file.</summary>
    public long PieceOffset(int index) => (long)index * PieceLength;

    /// <summary>True when <paramref name="data"/> is exactly piece <paramref name="index"/>.</summary>
    public bool Verify(int index, ReadOnlySpan<byte> data)
    {
        if (index < 0 || index >= PieceCount || data.Length != PieceSize(index))
            return false;
        Span<byte> hash = stackalloc byte[HashLength];
        SHA256.HashData(data, hash);
        return CryptographicOperations.FixedTimeEquals(hash, PieceHash(index));
    }

    /// <summary>Pieces in a file of the given length.</summary>
    public static int CountPieces(long length, int pieceLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pieceLength);
        long count = CeilDiv(length, pieceLength);
        return count > int.MaxValue ? throw new ProtocolException($"file of {length} bytes has too many pieces of {pieceLength}") : (int)count;
    }

    // ceil(length / pieceLength) without the overflow of (length + pieceLength - 1) near long.MaxValue.
    internal static long CeilDiv(long length, int pieceLength) => length / pieceLength + (length % pieceLength == 0 ? 0 : 1);

    /// <summary>The length of piece <paramref name="index"/> of such a file.</summary>
    public static int PieceSize(long length, int pieceLength, int index)
    {
        long start = (long)index * pieceLength;
        return (int)Math.Min(pieceLength, length - start);
    }

    /// <summary>Builds a manifest from its parts, checking that they agree.</summary>
    public static Manifest Create(long length, int pieceLength, ReadOnlySpan<byte> pieceHashes, ProtocolLimits? limits = null)
    {
        limits ??= ProtocolLimits.Default;
        if (length < 0)
            throw new ProtocolException($"manifest length {length} is negative");
        if (pieceLength <= 0 || pieceLength > limits.MaxPieceLength)
            throw new ProtocolException($"manifest piece length {pieceLength} is outside 1..{limits.MaxPieceLength}");
        if (pieceHashes.Length % HashLength != 0)
            throw new ProtocolException($"manifest piece hashes of {pieceHashes.Length} bytes are not a multiple of {HashLength}");
        long expected = CeilDiv(length, pieceLength);
        if (expected > limits.MaxPieceCount)
            throw new ProtocolException($"manifest of {expected} pieces exceeds the limit of {limits.MaxPieceCount}");
        int actual = pieceHashes.Length / HashLength;
        if (actual != expected)
            throw new ProtocolException($"manifest lists {actual} piece hashes but {length} bytes in pieces of {pieceLength} make {expected}");
        return new Manifest(length, pieceLength, pieceHashes.ToArray());
    }

    /// <summary>Parses canonical manifest bytes; throws <see cref="ProtocolException"/> if they are malformed.</summary>
    public static Manifest Parse(ReadOnlySpan<byte> bytes, ProtocolLimits? limits = null)
    {
        if (bytes.Length < HeaderLength)
            throw new ProtocolException($"manifest of {bytes.Length} bytes is shorter than its {HeaderLength}-byte header");
        ulong length = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        uint pieceLength = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
        if (length > long.MaxValue || pieceLength > int.MaxValue)
            throw new ProtocolException($"manifest declares length {length} and piece length {pieceLength}, out of range");
        return Create((long)length, (int)pieceLength, bytes[HeaderLength..], limits);
    }

    /// <summary>Parses canonical manifest bytes and checks that they hash to <paramref name="expected"/>.</summary>
    public static Manifest ParseVerified(ReadOnlySpan<byte> bytes, FileId expected, ProtocolLimits? limits = null)
    {
        var actual = FileId.OfManifestBytes(bytes);
        if (actual != expected)
            throw new ProtocolException($"manifest hashes to {actual.ShortText}, not to the requested file id {expected.ShortText}");
        return Parse(bytes, limits);
    }

    /// <summary>The canonical bytes (see remarks).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[HeaderLength + _pieceHashes.Length];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)Length);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), (uint)PieceLength);
        _pieceHashes.CopyTo(bytes, HeaderLength);
        return bytes;
    }
}
