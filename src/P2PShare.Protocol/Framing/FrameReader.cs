using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Framing;

// The body of a frame after its prefix, for FrameStreamReader, which holds the per-connection state.
internal static class FrameReader
{
    // The rest of a frame whose first `got` prefix bytes are in `prefix`. The body's buffer grows as its
    // bytes arrive (FrameBuffer): what a frame costs is what its sender really sent.
    // `hint`, when there is one, hears how much of the body is still missing before each read that follows
    // one which ran the stream dry, and 1 once the frame is whole. A body already buffered whole (a fast
    // link) tells it nothing: each change of SO_RCVLOWAT wakes the socket's poller, two wake-ups a piece for nothing.
    internal static async ValueTask<Frame?> ReadRestAsync(Stream stream, byte[] prefix, int got, FrameRules rules, IReceiveHint? hint, CancellationToken cancellationToken)
    {
        if (got < prefix.Length)
            got += await stream.ReadAtLeastAsync(prefix.AsMemory(got), prefix.Length - got, throwOnEndOfStream: false, cancellationToken);
        if (got < prefix.Length)
            throw new EndOfStreamException($"connection closed inside a frame prefix ({got} of {prefix.Length} bytes)");
        var (headerLength, payloadLength) = FrameLayout.ReadPrefix(prefix, rules.Limits, rules.MaxFrameLength, rules.Why);
        int bodyLength = headerLength + payloadLength;
        var body = FrameBuffer.Start(bodyLength, rules.Budget);
        bool hinted = false;
        try
        {
            int filled = 0;
            bool dry = false; // the last read took less than it had room for: the rest is still on the way
            while (filled < bodyLength)
            {
                if (dry && hint is not null)
                {
                    hint.AtLeast(bodyLength - filled);
                    hinted = true;
                }
                var free = body.Free(filled, bodyLength);
                int read = await stream.ReadAsync(free, cancellationToken);
                if (read == 0)
                    throw new EndOfStreamException($"connection closed inside a frame ({filled} of {bodyLength} bytes)");
                filled += read;
                dry = read < free.Length;
            }
            var header = Header.Parse(body.Array.AsSpan(0, headerLength));
            var (array, charged) = body.Detach();
            return new Frame(header, array, headerLength, payloadLength, rules.Budget, charged);
        }
        finally
        {
            if (hinted)
                hint!.AtLeast(1); // the next frame may be a few bytes
            body.Return(); // nothing left to return once detached into the frame
        }
    }
}
