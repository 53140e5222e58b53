using Microsoft.Extensions.Time.Testing;
using System.Buffers.Binary;
using P2PShare.Protocol.Framing;

namespace P2PShare.Protocol.Tests.Framing;

/// <summary>Reading frames from a stream: clean end, end mid-frame, oversized prefixes.</summary>
public sealed class FrameReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Reads_frames_in_order_then_null_at_a_clean_end()
    {
        byte[] payload = new byte[70_000];
        new Random(7).NextBytes(payload);
        using var stream = new MemoryStream([.. FrameWriter.Encode("type::piece;n::1;", payload), .. FrameWriter.Encode("type::bye;", [])]);

        using (var first = await FrameReader.ReadAsync(stream, ProtocolLimits.Default, CancellationToken.None).AsTask().WaitAsync(Timeout))
        {
            Assert.Equal("piece", first!.Header.Type);
            Assert.Equal(payload, first.Payload.ToArray());
        }
        using (var second = await FrameReader.ReadAsync(stream, ProtocolLimits.Default, CancellationToken.None).AsTask().WaitAsync(Timeout))
        {
            Assert.Equal("bye", second!.Header.Type);
            Assert.True(second.Payload.IsEmpty);
        }
        Assert.Null(await FrameReader.ReadAsync(stream, ProtocolLimits.Default, CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Empty_stream_is_a_clean_end()
    {
        using var stream = new MemoryStream();
        Assert.Null(await FrameReader.ReadAsync(stream, ProtocolLimits.Default, CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task End_of_stream_inside_any_frame_throws_EndOfStreamException()
    {
        byte[] frame = FrameWriter.Encode("type::piece;", [9, 8, 7]);
        for (int length = 1; length < frame.Length; length++)
        {
            using var stream = new MemoryStream(frame, 0, length);
            await Assert.ThrowsAsync<EndOfStreamException>(() => FrameReader.ReadAsync(stream, ProtocolLimits.Default, CancellationToken.None).AsTask().WaitAsync(Timeout));
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
        await Assert.ThrowsAsync<ProtocolException>(() => FrameReader.ReadAsync(new MemoryStream(prefix), ProtocolLimits.Default, CancellationToken.None).AsTask());

        using var stream = new MemoryStream(prefix);
        long before = GC.GetAllocatedBytesForCurrentThread();
        // MemoryStream completes synchronously, so the whole read runs (and fails) inside this call.
        var read = FrameReader.ReadAsync(stream, ProtocolLimits.Default, CancellationToken.None);
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
        await Assert.ThrowsAsync<ProtocolException>(() => FrameReader.ReadAsync(stream, ProtocolLimits.Default, CancellationToken.None).AsTask().WaitAsync(Timeout));
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
        var read = FrameReader.ReadAsync(watched, limits, clock, CancellationToken.None).AsTask();
        await begun.WaitAsync(Timeout);
        clock.Advance(limits.FrameTimeout - TimeSpan.FromMilliseconds(1));
        await sender.GetStream().WriteAsync(frame.AsMemory(6));
        using (var whole = await read.WaitAsync(Timeout))
            Assert.Equal([9, 8, 7], whole!.Payload.ToArray());

        // Then half a frame and silence; the idle wait (no token here) is unbounded, the frame is not.
        var half = watched.WaitingAfterAsync(frame.Length + 2);
        await sender.GetStream().WriteAsync(frame.AsMemory(0, 2));
        var stalled = FrameReader.ReadAsync(watched, limits, clock, CancellationToken.None).AsTask();
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
}
