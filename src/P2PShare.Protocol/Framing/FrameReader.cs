using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Framing;

// The body of a frame after its prefix, for FrameStreamReader, which holds the per-connection state.
internal static class FrameReader
{
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
