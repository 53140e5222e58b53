using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol.Framing;

namespace P2PShare.Protocol.Tests.Framing;

/// <summary>
/// One connection's reader: the same results as <see cref="FrameReader"/>, frame after frame, with one
/// deadline timer reused for every frame.
/// </summary>
public sealed class FrameStreamReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Reads_many_frames_in_order_then_null_at_a_clean_end()
    {
        var frames = Enumerable.Range(0, 50).Select(i => FrameWriter.Encode($"type::piece;n::{i};", new byte[i * 100])).ToArray();
        using var stream = new MemoryStream(frames.SelectMany(f => f).ToArray());
        using var reader = new FrameStreamReader(stream, ProtocolLimits.Default);

        for (int i = 0; i < frames.Length; i++)
        {
            using var frame = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), frame!.Header.Required("n"));
            Assert.Equal(i * 100, frame.Payload.Length);
        }
        Assert.Null(await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Each_frame_gets_the_whole_frame_timeout_and_half_a_frame_then_silence_times_out()
    {
        var limits = ProtocolLimits.Default with { FrameTimeout = TimeSpan.FromMilliseconds(400) };
        using var pair = await ReaderPair.ConnectAsync(limits);
        var (sender, reader) = (pair.Sender, pair.Reader);
        byte[] frame = FrameWriter.Encode("type::piece;", [9, 8, 7]);

        // Several frames, each sent in two parts: the deadline is started afresh for each, not spent by the first.
        for (int i = 0; i < 3; i++)
        {
            await sender.GetStream().WriteAsync(frame.AsMemory(0, 6));
            var read = reader.ReadAsync(CancellationToken.None).AsTask();
            await sender.GetStream().WriteAsync(frame.AsMemory(6));
            using var whole = await read.WaitAsync(Timeout);
            Assert.Equal([9, 8, 7], whole!.Payload.ToArray());
        }

        await sender.GetStream().WriteAsync(frame.AsMemory(0, 2));
        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Contains("did not arrive within 0.4 s of its first byte", timedOut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wait_cancelled_between_frames_leaves_the_reader_usable()
    {
        using var pair = await ReaderPair.ConnectAsync(ProtocolLimits.Default);
        var (sender, reader) = (pair.Sender, pair.Reader);

        using (var idle = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.ReadAsync(idle.Token).AsTask().WaitAsync(Timeout));

        await sender.GetStream().WriteAsync(FrameWriter.Encode("type::bye;", []));
        using var next = await reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal("bye", next!.Header.Type);
    }

    [Fact]
    public async Task The_callers_cancellation_inside_a_frame_is_a_cancellation_not_a_timeout()
    {
        using var pair = await ReaderPair.ConnectAsync(ProtocolLimits.Default);
        var (sender, reader) = (pair.Sender, pair.Reader);
        using var stop = new CancellationTokenSource();

        await sender.GetStream().WriteAsync(FrameWriter.Encode("type::piece;", [1, 2, 3]).AsMemory(0, 5));
        var read = reader.ReadAsync(stop.Token).AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Reading_a_frame_allocates_no_deadline_of_its_own()
    {
        const int Measured = 8;
        byte[] one = FrameWriter.Encode("type::piece;n::1;", new byte[1000]);
        using var stream = new MemoryStream(Enumerable.Repeat(one, 4 * Measured).SelectMany(f => f).ToArray());
        using var reader = new FrameStreamReader(stream, ProtocolLimits.Default);

        // Warm up both paths (first-call allocations, pool buckets), then measure each over several frames.
        await ReadFramesAsync(() => reader.ReadAsync(CancellationToken.None), Measured);
        await ReadFramesAsync(() => FrameReader.ReadAsync(stream, ProtocolLimits.Default, CancellationToken.None), Measured);
        long reused = await ReadFramesAsync(() => reader.ReadAsync(CancellationToken.None), Measured) / Measured;
        long fresh = await ReadFramesAsync(() => FrameReader.ReadAsync(stream, ProtocolLimits.Default, CancellationToken.None), Measured) / Measured;

        // A linked token source and its timer cost about 200 bytes a frame.
        Assert.True(reused + 100 < fresh, $"a reused reader allocated {reused} bytes per frame, a fresh deadline per frame {fresh}");
    }

    // Bytes allocated on this thread reading `count` frames; a MemoryStream completes every read synchronously.
    private static async Task<long> ReadFramesAsync(Func<ValueTask<Frame?>> read, int count)
    {
        long allocated = 0;
        for (int i = 0; i < count; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var pending = read();
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(pending.IsCompleted, "reads from a MemoryStream should complete synchronously");
            (await pending)!.Dispose();
        }
        return allocated;
    }

    // A loopback connection with a reader on its receiving end.
    private sealed class ReaderPair : IDisposable
    {
        private readonly TcpClient _receiver;

        private ReaderPair(TcpClient sender, TcpClient receiver, ProtocolLimits limits)
        {
            Sender = sender;
            _receiver = receiver;
            Reader = new FrameStreamReader(receiver.GetStream(), limits);
        }

        public TcpClient Sender { get; }

        public FrameStreamReader Reader { get; }

        public static async Task<ReaderPair> ConnectAsync(ProtocolLimits limits)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var sender = new TcpClient();
            await sender.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(Timeout);
            return new ReaderPair(sender, await listener.AcceptTcpClientAsync().WaitAsync(Timeout), limits);
        }

        public void Dispose()
        {
            Reader.Dispose();
            _receiver.Dispose();
            Sender.Dispose();
        }
    }
}
