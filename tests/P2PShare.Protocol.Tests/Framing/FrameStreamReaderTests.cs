using Microsoft.Extensions.Time.Testing;
using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol.Framing;

namespace P2PShare.Protocol.Tests.Framing;

/// <summary>
/// One connection's reader: the same results as a reader per frame, frame after frame, with one
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
        // The deadline runs on a clock the test moves: how loaded the machine is cannot decide the outcome.
        var clock = new FakeTimeProvider();
        var limits = ProtocolLimits.Default with { FrameTimeout = TimeSpan.FromSeconds(30) };
        using var pair = await ReaderPair.ConnectAsync(limits, clock);
        var (sender, reader) = (pair.Sender, pair.Reader);
        byte[] frame = FrameWriter.Encode("type::piece;", [9, 8, 7]);

        // Several frames, each sent in two parts with all but a millisecond of the deadline between them:
        // together they take three deadlines, so each frame's starts afresh rather than being spent by the first.
        for (int i = 0; i < 3; i++)
        {
            var begun = pair.Watched.WaitingAfterAsync(i * frame.Length + 6);
            await sender.GetStream().WriteAsync(frame.AsMemory(0, 6));
            var read = reader.ReadAsync(CancellationToken.None).AsTask();
            await begun.WaitAsync(Timeout);
            clock.Advance(limits.FrameTimeout - TimeSpan.FromMilliseconds(1));
            await sender.GetStream().WriteAsync(frame.AsMemory(6));
            using var whole = await read.WaitAsync(Timeout);
            Assert.Equal([9, 8, 7], whole!.Payload.ToArray());
        }

        var half = pair.Watched.WaitingAfterAsync(3 * frame.Length + 2);
        await sender.GetStream().WriteAsync(frame.AsMemory(0, 2));
        var stalled = reader.ReadAsync(CancellationToken.None).AsTask();
        await half.WaitAsync(Timeout);
        clock.Advance(limits.FrameTimeout);
        var timedOut = await Assert.ThrowsAsync<TimeoutException>(() => stalled.WaitAsync(Timeout));
        Assert.Contains("did not arrive within 30 s of its first byte", timedOut.Message, StringComparison.Ordinal);
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
        await ReadFramesAsync(() => ReadWithAFreshReaderAsync(stream), Measured);
        long reused = await ReadFramesAsync(() => reader.ReadAsync(CancellationToken.None), Measured) / Measured;
        long fresh = await ReadFramesAsync(() => ReadWithAFreshReaderAsync(stream), Measured) / Measured;

        // A linked token source and its timer cost about 200 bytes a frame.
        Assert.True(reused + 100 < fresh, $"a reused reader allocated {reused} bytes per frame, a fresh deadline per frame {fresh}");
    }

    [Fact]
    public async Task A_declared_16_MiB_frame_holds_only_about_the_bytes_that_arrived()
    {
        var budget = new FrameMemoryBudget(1L << 30);
        using var pair = await ReaderPair.ConnectAsync(ProtocolLimits.Default, budget: budget);
        byte[] header = System.Text.Encoding.UTF8.GetBytes("type::piece;");
        byte[] prefix = new byte[FrameLayout.PrefixLength];
        FrameLayout.WritePrefix(prefix, header.Length, ProtocolLimits.Default.MaxFrameLength - 4 - header.Length);
        var read = pair.Reader.ReadAsync(CancellationToken.None).AsTask();

        // 10 kB of the claimed 16 MiB: the reader holds its first 16 KiB step, not the claim.
        long sent = await SendAsync(pair, (byte[])[.. prefix, .. header, .. new byte[10_000]]);
        Assert.Equal(16 * 1024, budget.InUse);

        // 300 kB more: it grew by doubling to hold them, so at most twice what arrived.
        sent += await SendAsync(pair, new byte[300_000]);
        Assert.InRange(budget.InUse, sent, 2 * sent);
        Assert.False(read.IsCompleted);

        // The sender gives up: the partial frame's memory is given back.
        pair.Sender.Client.Shutdown(SocketShutdown.Send);
        await Assert.ThrowsAsync<EndOfStreamException>(() => read.WaitAsync(Timeout));
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task A_largest_frame_is_read_whole_by_an_idle_server_through_one_address_share()
    {
        // A stranger's 12-16 MiB frames were refused by an idle tracker: the share of one address was a
        // quarter of 64 MiB, exactly one largest frame, and its last doubling holds half of it twice.
        var share = new FrameMemoryBudget(FrameMemoryBudget.DefaultServerBytes).ShareFor("198.51.100.7");
        using var pair = await ReaderPair.ConnectAsync(ProtocolLimits.Default, budget: share);
        const string Header = "type::piece;";
        int payload = ProtocolLimits.Default.MaxFrameLength - 4 - Header.Length;
        _ = pair.Sender.GetStream().WriteAsync(FrameWriter.Encode(Header, new byte[payload])).AsTask();

        using var frame = await pair.Reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(payload, frame!.Payload.Length);
    }

    [Fact]
    public async Task A_whole_frame_keeps_its_bytes_charged_until_it_is_disposed()
    {
        var budget = new FrameMemoryBudget(1L << 30);
        using var pair = await ReaderPair.ConnectAsync(ProtocolLimits.Default, budget: budget);
        await pair.Sender.GetStream().WriteAsync(FrameWriter.Encode("type::piece;", new byte[100_000]));

        var frame = await pair.Reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(100_000, frame!.Payload.Length);
        Assert.InRange(budget.InUse, 100_000, 2 * 100_000);
        frame.Dispose();
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task A_frame_that_would_overdraw_the_shared_budget_ends_its_connection_and_others_go_on()
    {
        var budget = new FrameMemoryBudget(3 * 512 * 1024);
        using var greedy = await ReaderPair.ConnectAsync(ProtocolLimits.Default, budget: budget);
        using var modest = await ReaderPair.ConnectAsync(ProtocolLimits.Default, budget: budget);

        // One connection's unfinished frame takes 1 MiB of the 1.5 MiB...
        var pending = greedy.Reader.ReadAsync(CancellationToken.None).AsTask();
        byte[] big = FrameWriter.Encode("type::piece;", new byte[2_000_000]);
        await SendAsync(greedy, big.AsMemory(0, 600_000));
        Assert.Equal(1024 * 1024, budget.InUse);

        // ...so another's 600 kB frame cannot grow past a quarter of its size: that connection is refused, with the numbers.
        var modestRead = modest.Reader.ReadAsync(CancellationToken.None).AsTask();
        _ = modest.Sender.GetStream().WriteAsync(FrameWriter.Encode("type::piece;", new byte[600_000])).AsTask()
            .ContinueWith(static t => t.Exception, TaskScheduler.Default); // it may be cut off mid-write
        var refused = await Assert.ThrowsAsync<FrameMemoryExhaustedException>(() => modestRead.WaitAsync(Timeout));
        Assert.Contains($"of the {budget.MaxBytes} bytes allowed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(1024 * 1024, budget.InUse);

        // The first frame's end gives the budget back.
        greedy.Sender.Client.Shutdown(SocketShutdown.Send);
        await Assert.ThrowsAsync<EndOfStreamException>(() => pending.WaitAsync(Timeout));
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task Before_the_handshake_a_frame_over_the_handshake_limit_is_refused_before_its_body_arrives()
    {
        var budget = new FrameMemoryBudget(1L << 30);
        var limits = ProtocolLimits.Default;
        using var pair = await ReaderPair.ConnectAsync(limits, budget: budget);
        pair.Reader.BeforeHandshake = true;

        // A whole handshake-sized frame is fine.
        await pair.Sender.GetStream().WriteAsync(FrameWriter.Encode("type::hello;", new byte[limits.MaxHandshakeFrameLength - 16]));
        using (var fits = await pair.Reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout))
            Assert.Equal("hello", fits!.Header.Type);

        // One byte more is refused on its prefix alone.
        byte[] prefix = new byte[FrameLayout.PrefixLength];
        FrameLayout.WritePrefix(prefix, 12, limits.MaxHandshakeFrameLength - 4 - 12 + 1);
        await pair.Sender.GetStream().WriteAsync(prefix);
        var refused = await Assert.ThrowsAsync<ProtocolException>(() => pair.Reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Contains($"exceeds the limit of {limits.MaxHandshakeFrameLength} allowed before the handshake completes", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task After_the_handshake_frames_up_to_the_full_limit_are_read()
    {
        using var pair = await ReaderPair.ConnectAsync(ProtocolLimits.Default);
        pair.Reader.BeforeHandshake = true;
        pair.Reader.BeforeHandshake = false;
        await pair.Sender.GetStream().WriteAsync(FrameWriter.Encode("type::piece;", new byte[1_000_000]));
        using var frame = await pair.Reader.ReadAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(1_000_000, frame!.Payload.Length);
    }

    // Sends `bytes` and returns once the reader has taken them all and waits for more.
    private static async Task<long> SendAsync(ReaderPair pair, ReadOnlyMemory<byte> bytes)
    {
        var taken = pair.Watched.WaitingAfterAsync(pair.Sent + bytes.Length);
        await pair.Sender.GetStream().WriteAsync(bytes);
        pair.Sent += bytes.Length;
        await taken.WaitAsync(Timeout);
        return bytes.Length;
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

    // What a connection without a long-lived reader would do: a new reader, and so a new deadline, per frame.
    private static async ValueTask<Frame?> ReadWithAFreshReaderAsync(Stream stream)
    {
        using var reader = new FrameStreamReader(stream, ProtocolLimits.Default);
        return await reader.ReadAsync(CancellationToken.None);
    }

    // A loopback connection with a reader on its receiving end.
    private sealed class ReaderPair : IDisposable
    {
        private readonly TcpClient _receiver;

        private ReaderPair(TcpClient sender, TcpClient receiver, ProtocolLimits limits, FrameMemoryBudget? budget, TimeProvider? clock)
        {
            Sender = sender;
            _receiver = receiver;
            Watched = new WatchedStream(receiver.GetStream());
            Reader = new FrameStreamReader(Watched, limits, budget, clock);
        }

        public TcpClient Sender { get; }

        // The receiving stream, to learn when the reader has taken some bytes and waits for more.
        public WatchedStream Watched { get; }

        // Bytes sent through SendAsync so far.
        public long Sent { get; set; }

        public FrameStreamReader Reader { get; }

        public static async Task<ReaderPair> ConnectAsync(ProtocolLimits limits, TimeProvider? clock = null, FrameMemoryBudget? budget = null)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var sender = new TcpClient();
            await sender.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(Timeout);
            return new ReaderPair(sender, await listener.AcceptTcpClientAsync().WaitAsync(Timeout), limits, budget, clock);
        }

        public void Dispose()
        {
            Reader.Dispose();
            Watched.Dispose();
            _receiver.Dispose();
            Sender.Dispose();
        }
    }
}
