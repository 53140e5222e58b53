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
    public static ValueTask<Frame?> ReadAsync(Stream stream, ProtocolLimits limits, CancellationToken cancellationToken) =>
        ReadAsync(stream, limits, TimeProvider.System, cancellationToken);

    /// <summary>As <see cref="ReadAsync(Stream, ProtocolLimits, CancellationToken)"/>, timing the frame by <paramref name="clock"/>.</summary>
    public static async ValueTask<Frame?> ReadAsync(Stream stream, ProtocolLimits limits, TimeProvider clock, CancellationToken cancellationToken)
    {
        // A reader for one frame: the deadline rules live in one place (FrameStreamReader).
        using var reader = new FrameStreamReader(stream, limits, null, clock);
        return await reader.ReadAsync(cancellationToken);
    }

    // The rest of a frame whose first `got` prefix bytes are in `prefix`. The body's buffer grows as its
    // bytes arrive (FrameBuffer): what a frame costs is what its sender really sent.
    internal static async ValueTask<Frame?> ReadRestAsync(Stream stream, byte[] prefix, int got, FrameRules rules, CancellationToken cancellationToken)
    {
        if (got < prefix.Length)
            got += await stream.ReadAtLeastAsync(prefix.AsMemory(got), prefix.Length - got, throwOnEndOfStream: false, cancellationToken);
        if (got < prefix.Length)
            throw new EndOfStreamException($"connection closed inside a frame prefix ({got} of {prefix.Length} bytes)");
        var (headerLength, payloadLength) = FrameLayout.ReadPrefix(prefix, rules.Limits, rules.MaxFrameLength, rules.Why);
        int bodyLength = headerLength + payloadLength;
        var body = FrameBuffer.Start(bodyLength, rules.Budget);
        try
        {
            int filled = 0;
            while (filled < bodyLength)
            {
                int read = await stream.ReadAsync(body.Free(filled, bodyLength), cancellationToken);
                if (read == 0)
                    throw new EndOfStreamException($"connection closed inside a frame ({filled} of {bodyLength} bytes)");
                filled += read;
            }
            var header = Header.Parse(body.Array.AsSpan(0, headerLength));
            var (array, charged) = body.Detach();
            return new Frame(header, array, headerLength, payloadLength, rules.Budget, charged);
        }
        finally
        {
            body.Return(); // nothing left to return once detached into the frame
        }
    }
}
