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
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(limits);
        int headerLength = Encoding.UTF8.GetByteCount(header);
        if (headerLength > limits.MaxHeaderLength)
            throw new ProtocolException($"header of {headerLength} bytes exceeds the limit of {limits.MaxHeaderLength}");
        long frameLength = 4L + headerLength + payload.Length;
        if (frameLength > limits.MaxFrameLength)
            throw new ProtocolException($"frame of {frameLength} bytes exceeds the limit of {limits.MaxFrameLength}");
        int firstLength = FrameLayout.PrefixLength + headerLength;
        bool inline = payload.Length <= 16 * 1024;
        int bufferLength = firstLength + (inline ? payload.Length : 0);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(bufferLength);
        try
        {
            FrameLayout.WritePrefix(buffer, headerLength, payload.Length);
            Encoding.UTF8.GetBytes(header, buffer.AsSpan(FrameLayout.PrefixLength));
            if (inline)
                payload.Span.CopyTo(buffer.AsSpan(firstLength));
            await stream.WriteAsync(buffer.AsMemory(0, bufferLength), cancellationToken);
            if (!inline)
                await stream.WriteAsync(payload, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
