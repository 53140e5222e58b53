using P2PShare.Protocol.Framing;

namespace P2PShare.Protocol.Tests.Framing;

/// <summary>
/// What a frame reader tells its <see cref="IReceiveHint"/>: nothing for a frame whose bytes are all
/// there already (each change of a socket's watermark wakes its poller), and the missing count, then 1,
/// for a frame whose rest is still on the way.
/// </summary>
public sealed class FrameReceiveHintTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_frame_already_buffered_whole_tells_the_hint_nothing()
    {
        byte[] frame = FrameWriter.Encode("type::bye;", new byte[200 * 1024]);
        var hint = new RecordingHint();
        using var reader = new FrameStreamReader(new ChunkedStream(frame, [frame.Length]), ProtocolLimits.Default) { ReceiveHint = hint };

        using var read = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(200 * 1024, read!.Payload.Length);
        Assert.Empty(hint.Asked);
    }

    [Fact]
    public async Task A_frame_whose_rest_is_on_the_way_asks_for_the_rest_then_for_any_byte()
    {
        byte[] frame = FrameWriter.Encode("type::bye;", new byte[200 * 1024]);
        var hint = new RecordingHint();
        using var reader = new FrameStreamReader(new ChunkedStream(frame, [1000, frame.Length]), ProtocolLimits.Default) { ReceiveHint = hint };

        using var read = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(200 * 1024, read!.Payload.Length);
        Assert.Equal(2, hint.Asked.Count);
        Assert.Equal(frame.Length - 1000, hint.Asked[0]);
        Assert.Equal(1, hint.Asked[1]);
    }

    private sealed class RecordingHint : IReceiveHint
    {
        public List<int> Asked { get; } = [];

        public void AtLeast(int bytes) => Asked.Add(bytes);
    }

    // Gives its bytes in the scripted portions (then whatever is left), as a socket hands over what has arrived.
    private sealed class ChunkedStream(byte[] bytes, int[] portions) : Stream
    {
        private int _position;
        private int _portion;
        private int _leftInPortion = portions[0];

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_leftInPortion == 0 && _portion + 1 < portions.Length)
                _leftInPortion = portions[++_portion];
            int n = Math.Min(Math.Min(buffer.Length, bytes.Length - _position), _leftInPortion == 0 ? bytes.Length : _leftInPortion);
            bytes.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            _leftInPortion = Math.Max(0, _leftInPortion - n);
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
