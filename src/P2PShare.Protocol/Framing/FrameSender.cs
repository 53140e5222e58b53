namespace P2PShare.Protocol.Framing;

/// <summary>
/// Sends a frame whose payload does not pass through our memory (e.g. a file region handed to
/// the kernel): first <paramref name="frameHead"/> (prefix and header), then exactly the payload
/// length announced in it. Throws if it cannot; the connection is then unusable.
/// </summary>
public delegate ValueTask FrameSender(ReadOnlyMemory<byte> frameHead, CancellationToken cancellationToken);
