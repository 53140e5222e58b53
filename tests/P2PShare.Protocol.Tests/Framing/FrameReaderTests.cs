using Microsoft.Extensions.Time.Testing;
using System.Buffers.Binary;
using P2PShare.Protocol.Framing;

namespace P2PShare.Protocol.Tests.Framing;

/// <summary>Reading frames from a stream: clean end, end mid-frame, impossible and oversized prefixes.</summary>
public sealed class FrameReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Reads_frames_in_order_then_null_at_a_clean_end()
    {
        byte[] payload = new byte[70_000];
        new Random(7).NextBytes(payload);
        using var stream = new MemoryStream([.. FrameWriter.Encode("type::piece;n::1;", payload), .. FrameWriter.Encode("type::bye;", [])]);

        using (var first = await ReadOneAsync(stream, ProtocolLimits.Default).AsTask().WaitAsync(Timeout))
        {
            Assert.Equal("piece", first!.Header.Type);
            Assert.Equal(payload, first.Payload.ToArray());
        }
        using (var second = await ReadOneAsync(stream, ProtocolLimits.Default).AsTask().WaitAsync(Timeout))
        {
            Assert.Equal("bye", second!.Header.Type);
            Assert.True(second.Payload.IsEmpty);
        }
        Assert.Null(await ReadOneAsync(stream, ProtocolLimits.Default).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Empty_stream_is_a_clean_end()
    {
        using var stream = new MemoryStream();
        Assert.Null(await ReadOneAsync(stream, ProtocolLimits.Default).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task End_of_stream_inside_any_frame_throws_EndOfStreamException()
    {
        byte[] frame = FrameWriter.Encode("type::piece;", [9, 8, 7]);
        for (int length = 1; length < frame.Length; length++)
        {
            using var stream = new MemoryStream(frame, 0, length);
            await Assert.ThrowsAsync<EndOfStreamException>(() => ReadOneAsync(stream, ProtocolLimits.Default).AsTask().WaitAsync(Timeout));
        }
    }

    [Theory]
    [InlineData(uint.MaxValue)]
    [InlineData(16u * 1024 * 1024 + 1)]
    public async Task Oversized_length_prefix_is_refused_before_allocating(uint claimed)
    {
        byte[] prefix = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, claimed);
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(4), 10);

        // Warm-up so the measured call allocates only what the refusal itself costs.
        await Assert.ThrowsAsync<ProtocolException>(() => ReadOneAsync(new MemoryStream(prefix), ProtocolLimits.Default).AsTask());

        using var stream = new MemoryStream(prefix);
        long before = GC.GetAllocatedBytesForCurrentThread();
        // MemoryStream completes synchronously, so the whole read runs (and fails) inside this call.
        var read = ReadOneAsync(stream, ProtocolLimits.Default);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(read.IsCompleted, "a refusal over a MemoryStream should complete synchronously");
        var refused = await Assert.ThrowsAsync<ProtocolException>(() => read.AsTask());
        Assert.NotNull(refused);
        Assert.Equal($"frame of {claimed} bytes exceeds the limit of {16 * 1024 * 1024}", refused.Message);
        Assert.True(allocated < 64 * 1024, $"refusing a {claimed}-byte frame allocated {allocated} bytes");
    }

    [Fact]
    public async Task Malformed_header_throws_ProtocolException()
    {
        using var stream = new MemoryStream(FrameWriter.Encode("type::x;bad", []));
        await Assert.ThrowsAsync<ProtocolException>(() => ReadOneAsync(stream, ProtocolLimits.Default).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_frame_begun_but_not_finished_within_the_frame_timeout_throws_TimeoutException()
    {
        // The deadline runs on a clock the test moves: how loaded the machine is cannot decide the outcome.
        var clock = new FakeTimeProvider();
        var limits = ProtocolLimits.Default with { FrameTimeout = TimeSpan.FromSeconds(30) };
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        using var sender = new System.Net.Sockets.TcpClient();
        await sender.ConnectAsync(System.Net.IPAddress.Loopback, ((System.Net.IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(Timeout);
        using var receiver = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);
        using var watched = new WatchedStream(receiver.GetStream());
        byte[] frame = FrameWriter.Encode("type::piece;", [9, 8, 7]);

        // Sent in two parts with all but a millisecond of the deadline between them: read whole.
        var begun = watched.WaitingAfterAsync(6);
        await sender.GetStream().WriteAsync(frame.AsMemory(0, 6));
        var read = ReadOneAsync(watched, limits, clock).AsTask();
        await begun.WaitAsync(Timeout);
        clock.Advance(limits.FrameTimeout - TimeSpan.FromMilliseconds(1));
        await sender.GetStream().WriteAsync(frame.AsMemory(6));
        using (var whole = await read.WaitAsync(Timeout))
            Assert.Equal([9, 8, 7], whole!.Payload.ToArray());

        // Then half a frame and silence; the idle wait (no token here) is unbounded, the frame is not.
        var half = watched.WaitingAfterAsync(frame.Length + 2);
        await sender.GetStream().WriteAsync(frame.AsMemory(0, 2));
        var stalled = ReadOneAsync(watched, limits, clock).AsTask();
        await half.WaitAsync(Timeout);
        clock.Advance(limits.FrameTimeout);
        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => stalled.WaitAsync(Timeout));
        Assert.Contains("did not arrive within 30 s of its first byte", timedOut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_or_negative_frame_timeout_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProtocolLimits.Default with { FrameTimeout = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => ProtocolLimits.Default with { FrameTimeout = TimeSpan.FromSeconds(-5) });
        Assert.Equal(System.Threading.Timeout.InfiniteTimeSpan, (ProtocolLimits.Default with { FrameTimeout = System.Threading.Timeout.InfiniteTimeSpan }).FrameTimeout);
    }

    [Theory]
    [InlineData(0u, 0u, "frame of 0 bytes is too short")]
    [InlineData(3u, 0u, "frame of 3 bytes is too short")]
    [InlineData(4u, 0u, "frame has an empty header")]
    [InlineData(10u, 7u, "header of 7 bytes does not fit a frame of 10")]
    [InlineData(100u, uint.MaxValue, "header of 4294967295 bytes does not fit a frame of 100")]
    [InlineData(5_000_000u, 4_194_305u, "header of 4194305 bytes exceeds the limit of 4194304")]
    public async Task Impossible_prefixes_are_refused_with_the_numbers(uint frameLength, uint headerLength, string message)
    {
        var e = await Assert.ThrowsAsync<ProtocolException>(() => ReadOneAsync(new MemoryStream(Prefix(frameLength, headerLength)), ProtocolLimits.Default).AsTask());
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_limits_are_honoured()
    {
        var limits = ProtocolLimits.Default with { MaxFrameLength = 64 };
        var e = await Assert.ThrowsAsync<ProtocolException>(() => ReadOneAsync(new MemoryStream(Prefix(65, 10)), limits).AsTask());
        Assert.Equal("frame of 65 bytes exceeds the limit of 64", e.Message);
    }

    [Fact]
    public async Task Frame_payload_is_unavailable_after_dispose()
    {
        var frame = await ReadOneAsync(new MemoryStream(FrameWriter.Encode("type::piece;", [1, 2, 3])), ProtocolLimits.Default);
        frame!.Dispose();
        frame.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => frame.Payload);
    }

    // One frame through a reader of its own, as a connection's first read would be.
    private static async ValueTask<Frame?> ReadOneAsync(Stream stream, ProtocolLimits limits, TimeProvider? clock = null)
    {
        using var reader = new FrameStreamReader(stream, limits, null, clock);
        return await reader.ReadAsync(CancellationToken.None);
    }

    private static byte[] Prefix(uint frameLength, uint headerLength)
    {
        byte[] prefix = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, frameLength);
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(4), headerLength);
        return prefix;
    }
}
