using System.Buffers;
using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Framing;

/// <summary>
/// Decodes frames from bytes already in memory. Too few bytes is a normal answer ("need more");
/// only input that can never become valid throws <see cref="ProtocolException"/>.
/// </summary>
public static class FrameDecoder
{
    /// <summary>
    /// Decodes one frame from the start of <paramref name="buffer"/>. Returns false, with
    /// <paramref name="consumed"/> 0, when the buffer does not yet hold a whole frame.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, ProtocolLimits limits, out Frame? frame, out int consumed)
    {
        frame = null;
        consumed = 0;
        if (buffer.Length < FrameLayout.PrefixLength)
            return false;
        var (headerLength, payloadLength) = FrameLayout.ReadPrefix(buffer, limits);
        int total = FrameLayout.PrefixLength + headerLength + payloadLength;
        if (buffer.Length < total)
            return false;
        var header = Header.Parse(buffer.Slice(FrameLayout.PrefixLength, headerLength));
        byte[]? payload = null;
        if (payloadLength > 0)
        {
            payload = ArrayPool<byte>.Shared.Rent(payloadLength);
            buffer.Slice(FrameLayout.PrefixLength + headerLength, payloadLength).CopyTo(payload);
        }
        frame = new Frame(header, payload, 0, payloadLength);
        consumed = total;
        return true;
    }
}
