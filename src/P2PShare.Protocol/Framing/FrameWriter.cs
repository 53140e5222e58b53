using System.Buffers;
using System.Text;

namespace P2PShare.Protocol.Framing;

/// <summary>Writes frames to a stream.</summary>
public static class FrameWriter
{
    /// <summary>The bytes of a whole frame (used by tests and small messages).</summary>
    public static byte[] Encode(string header, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(header);
        int headerLength = Encoding.UTF8.GetByteCount(header);
        var bytes = new byte[FrameLayout.PrefixLength + headerLength + payload.Length];
        FrameLayout.WritePrefix(bytes, headerLength, payload.Length);
        Encoding.UTF8.GetBytes(header, bytes.AsSpan(FrameLayout.PrefixLength));
        payload.CopyTo(bytes.AsSpan(FrameLayout.PrefixLength + headerLength));
        return bytes;
    }

    /// <summary>
    /// Writes one frame. Prefix and header go out in one write; a payload follows in a second,
    /// straight from the caller's buffer. Throws <see cref="ProtocolException"/> if the frame
    /// would exceed <paramref name="limits"/> (the receiver would refuse it).
    /// </summary>
    public static async ValueTask WriteAsync(Stream stream, string header, ReadOnlyMemory<byte> payload, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        bool inline = payload.Length <= 16 * 1024;
        var head = RentHead(header, payload.Length, limits, inline ? payload.Length : 0);
        try
        {
            if (inline)
                payload.Span.CopyTo(head.Buffer.AsSpan(head.Length - payload.Length));
            await stream.WriteAsync(head.Buffer.AsMemory(0, head.Length), cancellationToken);
            if (!inline)
                await stream.WriteAsync(payload, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head.Buffer);
        }
    }

    /// <summary>
    /// Writes one frame whose payload of <paramref name="payloadLength"/> bytes the caller sends
    /// itself (from a file, say): <paramref name="writeFrame"/> gets the prefix and header and
    /// must send them and then exactly that many bytes, or throw.
    /// </summary>
    public static async ValueTask WriteAsync(string header, int payloadLength, FrameSender writeFrame, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeFrame);
        var head = RentHead(header, payloadLength, limits, 0);
        try
        {
            await writeFrame(head.Buffer.AsMemory(0, head.Length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head.Buffer);
        }
    }

    /// <summary>A pooled buffer holding prefix and header, with <paramref name="room"/> bytes to spare after them; checks the limits.</summary>
    private static (byte[] Buffer, int Length) RentHead(string header, int payloadLength, ProtocolLimits limits, int room)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadLength);
        int headerLength = Encoding.UTF8.GetByteCount(header);
        if (headerLength > limits.MaxHeaderLength)
            throw new ProtocolException($"header of {headerLength} bytes exceeds the limit of {limits.MaxHeaderLength}");
        long frameLength = 4L + headerLength + payloadLength;
        if (frameLength > limits.MaxFrameLength)
            throw new ProtocolException($"frame of {frameLength} bytes exceeds the limit of {limits.MaxFrameLength}");
        int length = FrameLayout.PrefixLength + headerLength + room;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        FrameLayout.WritePrefix(buffer, headerLength, payloadLength);
        Encoding.UTF8.GetBytes(header, buffer.AsSpan(FrameLayout.PrefixLength));
        return (buffer, length);
    }
}
