using System.Buffers;
using System.Text;

namespace P2PShare.Protocol.Framing;

/// <summary>Writes frames to a stream.</summary>
public static class FrameWriter
{
    // A payload up to this size is copied behind the header and goes out in the same write.
    private const int InlinePayloadLimit = 16 * 1024;

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
    /// Writes one frame and flushes the stream. Prefix and header go out in one write; a payload
    /// follows in a second, straight from the caller's buffer. Throws <see cref="ProtocolException"/> if the frame
    /// would exceed <paramref name="limits"/> (the receiver would refuse it).
    /// </summary>
    public static async ValueTask WriteAsync(Stream stream, string header, ReadOnlyMemory<byte> payload, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        await WriteAsync(stream, RentHead(header, payload, limits), payload, cancellationToken);
    }

    /// <summary>Writes <paramref name="head"/>, then the payload unless the head holds it; returns the head to its pool.</summary>
    internal static async ValueTask WriteAsync(Stream stream, FrameHead head, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(head.Bytes, cancellationToken);
            if (!head.HoldsPayload)
                await stream.WriteAsync(payload, cancellationToken);
            // The frame is whole: a TLS transport gathering its records sends them now (a no-op on a plain socket).
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            head.Return();
        }
    }

    /// <summary>
    /// Writes one frame whose payload the caller sends itself (from a file, say): <paramref name="writeFrame"/>
    /// gets the prefix and header in <paramref name="head"/> and must send them and then exactly the
    /// payload length the head names, or throw. Returns the head to its pool.
    /// </summary>
    internal static async ValueTask WriteAsync(FrameHead head, FrameSender writeFrame, CancellationToken cancellationToken)
    {
        try
        {
            await writeFrame(head.Bytes, cancellationToken);
        }
        finally
        {
            head.Return();
        }
    }

    /// <summary>Prefix and header in a pooled buffer, with <paramref name="payload"/> behind them when it is small; checks the limits.</summary>
    internal static FrameHead RentHead(ReadOnlySpan<char> header, ReadOnlyMemory<byte> payload, ProtocolLimits limits)
    {
        bool inline = payload.Length <= InlinePayloadLimit;
        var head = RentHead(header, payload.Length, limits, inline ? payload.Length : 0);
        if (!inline)
            return head;
        payload.Span.CopyTo(head.Buffer.AsSpan(head.Length - payload.Length));
        return head with { HoldsPayload = true };
    }

    /// <summary>Prefix and header in a pooled buffer, for a payload of <paramref name="payloadLength"/> bytes sent separately; checks the limits.</summary>
    internal static FrameHead RentHead(ReadOnlySpan<char> header, int payloadLength, ProtocolLimits limits) => RentHead(header, payloadLength, limits, 0);

    private static FrameHead RentHead(ReadOnlySpan<char> header, int payloadLength, ProtocolLimits limits, int room)
    {
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
        return new FrameHead(buffer, length, HoldsPayload: false);
    }
}
