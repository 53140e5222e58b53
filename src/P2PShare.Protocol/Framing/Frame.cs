using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Framing;

/// <summary>
/// One received frame: its parsed header and its payload. The payload lives in a pooled buffer
/// that returns to the pool on <see cref="Dispose"/>; copy it out first if it must outlive the frame.
/// </summary>
public sealed class Frame : IDisposable
{
    private byte[]? _buffer;
    private readonly int _payloadOffset;
    private readonly int _payloadLength;
    private readonly FrameMemoryBudget? _budget;
    private readonly long _charged;

    internal Frame(Header header, byte[]? buffer, int payloadOffset, int payloadLength, FrameMemoryBudget? budget = null, long charged = 0)
    {
        Header = header;
        _buffer = buffer;
        _payloadOffset = payloadOffset;
        _payloadLength = payloadLength;
        _budget = budget;
        _charged = charged;
    }

    /// <summary>The parsed text header.</summary>
    public Header Header { get; }

    /// <summary>The raw payload (empty when the message carries none).</summary>
    public ReadOnlyMemory<byte> Payload =>
        _payloadLength == 0 ? ReadOnlyMemory<byte>.Empty
        : new(_buffer ?? throw new ObjectDisposedException(nameof(Frame)), _payloadOffset, _payloadLength);

    /// <summary>Returns the payload buffer to the pool and its bytes to the frame memory budget it was charged to.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is null)
            return;
        FrameBuffer.ReturnArray(buffer, _budget);
        if (_charged != 0)
            _budget?.Release(_charged);
    }
}
