using System.Buffers;
using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Framing;

/// <summary>Reads frames from a stream, checking every length before allocating for it.</summary>
public static class FrameReader
{
    /// <summary>
    /// Reads the next frame. Returns null when the stream ends cleanly between frames; throws
    /// <see cref="EndOfStreamException"/> when it ends inside one and <see cref="ProtocolException"/>
    /// for a malformed frame, <see cref="TimeoutException"/> when a frame, once begun, does not complete
    /// within <see cref="ProtocolLimits.FrameTimeout"/>. Cancel <paramref name="cancellationToken"/> to time the wait for a frame out.
    /// </summary>
    public static async ValueTask<Frame?> ReadAsync(Stream stream, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        // A reader for one frame: the deadline rules live in one place (FrameStreamReader).
        using var reader = new FrameStreamReader(stream, limits);
        return await reader.ReadAsync(cancellationToken);
    }

    internal static async ValueTask<Frame?> ReadRestAsync(Stream stream, byte[] prefix, int got, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        if (got < prefix.Length)
            got += await stream.ReadAtLeastAsync(prefix.AsMemory(got), prefix.Length - got, throwOnEndOfStream: false, cancellationToken);
        if (got < prefix.Length)
            throw new EndOfStreamException($"connection closed inside a frame prefix ({got} of {prefix.Length} bytes)");
        var (headerLength, payloadLength) = FrameLayout.ReadPrefix(prefix, limits);
        int bodyLength = headerLength + payloadLength;
        byte[] body = ArrayPool<byte>.Shared.Rent(bodyLength);
        try
        {
            got = await stream.ReadAtLeastAsync(body.AsMemory(0, bodyLength), bodyLength, throwOnEndOfStream: false, cancellationToken);
            if (got < bodyLength)
                throw new EndOfStreamException($"connection closed inside a frame ({got} of {bodyLength} bytes)");
            var header = Header.Parse(body.AsSpan(0, headerLength));
            var frame = new Frame(header, body, headerLength, payloadLength);
            body = null!;
            return frame;
        }
        finally
        {
            if (body is not null)
                ArrayPool<byte>.Shared.Return(body);
        }
    }
}
