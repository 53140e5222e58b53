using System.Buffers.Binary;

namespace P2PShare.Protocol.Framing;

/// <summary>
/// The frame layout: <c>u32 frame length | u32 header length | header | payload</c>, both lengths
/// big-endian. The frame length counts everything after itself (so it is at least 4). Both are
/// checked against <see cref="ProtocolLimits"/> before a byte of the body is allocated.
/// </summary>
public static class FrameLayout
{
    /// <summary>Bytes before the header: the two length fields.</summary>
    public const int PrefixLength = 8;

    /// <summary>
    /// Validates the prefix and returns (header length, payload length); throws
    /// <see cref="ProtocolException"/> with the numbers when a length is impossible or over its limit.
    /// </summary>
    public static (int HeaderLength, int PayloadLength) ReadPrefix(ReadOnlySpan<byte> prefix, ProtocolLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return ReadPrefix(prefix, limits, limits.MaxFrameLength, null);
    }

    /// <summary>
    /// As <see cref="ReadPrefix(ReadOnlySpan{byte}, ProtocolLimits)"/> with a frame length limit of
    /// <paramref name="maxFrameLength"/> (lower than the limits' own before a handshake completes);
    /// <paramref name="why"/> says where that lower limit comes from, for the error message.
    /// </summary>
    internal static (int HeaderLength, int PayloadLength) ReadPrefix(ReadOnlySpan<byte> prefix, ProtocolLimits limits, int maxFrameLength, string? why)
    {
        uint frameLength = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (frameLength > (uint)maxFrameLength)
            throw new ProtocolException($"frame of {frameLength} bytes exceeds the limit of {maxFrameLength}{why}");
        if (frameLength < 4)
            throw new ProtocolException($"frame of {frameLength} bytes is too short to hold its header length");
        uint headerLength = BinaryPrimitives.ReadUInt32BigEndian(prefix[4..]);
        if (headerLength > frameLength - 4)
            throw new ProtocolException($"header of {headerLength} bytes does not fit a frame of {frameLength}");
        if (headerLength > (uint)limits.MaxHeaderLength)
            throw new ProtocolException($"header of {headerLength} bytes exceeds the limit of {limits.MaxHeaderLength}");
        if (headerLength == 0)
            throw new ProtocolException("frame has an empty header");
        return ((int)headerLength, (int)(frameLength - 4 - headerLength));
    }

    /// <summary>Writes the prefix for a header and payload of the given lengths.</summary>
    public static void WritePrefix(Span<byte> destination, int headerLength, int payloadLength)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, checked((uint)(4 + headerLength + payloadLength)));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)headerLength);
    }
}
