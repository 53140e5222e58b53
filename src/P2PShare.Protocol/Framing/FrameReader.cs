using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Framing;

// The body of a frame after its prefix, for FrameStreamReader, which holds the per-connection state.
internal static class FrameReader
{
    // The rest of a frame whose first `got` prefix bytes are in `prefix`. The body's buffer grows as its
    // bytes arrive (FrameBuffer): what a frame costs is what its sender really sent.
    // `hint`, when there is one, hears how much of the body is still missing before each read, and 1 once it is whole.
    internal static async ValueTask<Frame?> ReadRestAsync(Stream stream, byte[] prefix, int got, FrameRules rules, IReceiveHint? hint, CancellationToken cancellationToken)
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
                hint?.AtLeast(bodyLength - filled);
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
            hint?.AtLeast(1); // the next frame may be a few bytes
            body.Return(); // nothing left to return once detached into the frame
        }
    }
}
