using System.Buffers;

namespace P2PShare.Protocol.Framing;

/// <summary>
/// A frame ready to go out: prefix and header in a pooled buffer, followed by the payload when it is
/// small enough to travel in the same write. Return it (once) when the write is over.
/// </summary>
internal readonly record struct FrameHead(byte[] Buffer, int Length, bool HoldsPayload)
{
    public ReadOnlyMemory<byte> Bytes => Buffer.AsMemory(0, Length);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
