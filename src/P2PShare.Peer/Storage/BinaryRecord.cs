using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The envelope of the storage's small binary files: an 8-byte magic, a u16 version, the body, and
/// the SHA-256 of everything before it, so that a damaged file is recognised rather than misread.
/// Integers are big-endian; strings and blobs carry their length first.
/// </summary>
internal sealed class BinaryRecord
{
    private const int HeaderLength = 10;
    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>Starts a record with its magic (8 ASCII characters) and version.</summary>
    public BinaryRecord(string magic, ushort version)
    {
        _buffer.Write(Encoding.ASCII.GetBytes(magic));
        WriteUInt16(version);
    }

    public void WriteUInt16(ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        _buffer.Write(bytes);
    }

    public void WriteUInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        _buffer.Write(bytes);
    }

    public void WriteInt64(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        _buffer.Write(bytes);
    }

    /// <summary>u16 byte count, then UTF-8.</summary>
    public void WriteString(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        WriteUInt16(checked((ushort)bytes.Length));
        _buffer.Write(bytes);
    }

    /// <summary>u32 byte count, then the bytes.</summary>
    public void WriteBlob(ReadOnlySpan<byte> value)
    {
        WriteUInt32((uint)value.Length);
        _buffer.Write(value);
    }

    /// <summary>The finished record, checksum appended.</summary>
    public byte[] ToArray()
    {
        var body = _buffer.WrittenSpan;
        byte[] result = new byte[body.Length + SHA256.HashSizeInBytes];
        body.CopyTo(result);
        SHA256.HashData(body, result.AsSpan(body.Length));
        return result;
    }

    /// <summary>
    /// Checks magic, version and checksum and returns a reader over the body;
    /// throws <see cref="InvalidDataException"/> naming what is wrong.
    /// </summary>
    public static BinaryRecordReader Open(byte[] bytes, string magic, ushort version)
    {
        if (bytes.Length < HeaderLength + SHA256.HashSizeInBytes)
            throw new InvalidDataException($"only {bytes.Length} bytes");
        var body = bytes.AsSpan(0, bytes.Length - SHA256.HashSizeInBytes);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(body, hash);
        if (!hash.SequenceEqual(bytes.AsSpan(body.Length)))
            throw new InvalidDataException("checksum mismatch");
        if (!body[..8].SequenceEqual(Encoding.ASCII.GetBytes(magic)))
            throw new InvalidDataException("not a P2PShare storage file");
        ushort actual = BinaryPrimitives.ReadUInt16BigEndian(body[8..]);
        if (actual != version)
            throw new InvalidDataException($"version {actual}, expected {version}");
        return new BinaryRecordReader(bytes, HeaderLength, body.Length);
    }
}

/// <summary>Reads a <see cref="BinaryRecord"/> body; every read is bounds-checked.</summary>
internal sealed class BinaryRecordReader(byte[] bytes, int position, int end)
{
    private int _position = position;

    public bool AtEnd => _position == end;

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public string ReadString() => Encoding.UTF8.GetString(Take(ReadUInt16()));

    public ReadOnlySpan<byte> ReadBlob()
    {
        uint length = ReadUInt32();
        return length > int.MaxValue ? throw new InvalidDataException($"blob of {length} bytes") : Take((int)length);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > end - _position)
            throw new InvalidDataException($"truncated: {count} bytes wanted at offset {_position}, {end - _position} left");
        var span = bytes.AsSpan(_position, count);
        _position += count;
        return span;
    }
}
