using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Network;

public sealed class FaultTests
{
    private static readonly TimeSpan Deadline = TestTracker.Deadline;

    [Theory]
    [InlineData("no type pair;")]
    [InlineData("type::announce;id::3;count::1;")]
    [InlineData("type::list;id::\\q;")]
    public async Task A_malformed_frame_closes_only_that_connection(string header)
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(logger: logger);
        await using var bystander = await TestPeer.JoinAsync(tracker, 7001);
        await bystander.AnnounceAsync(Files.Complete("a.bin", "a"));
        await using var culprit = await TestPeer.JoinAsync(tracker, 7002);

        await culprit.SendRawAsync(FrameWriter.Encode(header, []));

        await culprit.Loop.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Deadline);
        Assert.True(culprit.Channel.Closed.IsCancellationRequested);
        Assert.Equal("a.bin", Assert.Single(await bystander.ListAsync()).Name);
        await using var newcomer = await TestPeer.JoinAsync(tracker, 7003);
        Assert.IsType<Holders>(await newcomer.WhoHasAsync(Files.Id("a")));
        await Eventually.TrueAsync(() => Task.FromResult(logger.Has(LogLevel.Warning, "malformed message")), "the bad frame is logged");
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains(culprit.LocalEndPoint, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_huge_length_prefix_is_refused_without_taking_the_server_down()
    {
        await using var tracker = await TestTracker.StartAsync();
        using var tcp = await TestPeer.OpenAsync(tracker);
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, uint.MaxValue);
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(4), 16);
        var stream = tcp.GetStream();

        await stream.WriteAsync(prefix).AsTask().WaitAsync(Deadline);

        Assert.Equal(0, await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Deadline));
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);
        Assert.Empty(await peer.ListAsync());
    }

    [Fact]
    public async Task A_peer_that_drops_its_connection_disappears_from_who_has_and_list()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var leaving = await TestPeer.JoinAsync(tracker, 7001);
        await using var staying = await TestPeer.JoinAsync(tracker, 7002);
        await leaving.AnnounceAsync(Files.Complete("gone.bin", "gone"));
        Assert.IsType<Holders>(await staying.WhoHasAsync(Files.Id("gone")));

        await leaving.DropAsync();

        await Eventually.TrueAsync(async () => await staying.WhoHasAsync(Files.Id("gone")) is ErrorReply { Code: ErrorCodes.NotFound }, "who_has forgets the peer");
        Assert.Empty(await staying.ListAsync());
    }

    [Fact]
    public async Task A_peer_that_says_bye_is_forgotten_and_closed()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var leaving = await TestPeer.JoinAsync(tracker, 7001);
        await using var staying = await TestPeer.JoinAsync(tracker, 7002);
        await leaving.AnnounceAsync(Files.Complete("gone.bin", "gone"));

        await leaving.Channel.SendAsync(new Bye()).WaitAsync(Deadline);

        await leaving.Loop.WaitAsync(Deadline);
        await Eventually.TrueAsync(async () => (await staying.ListAsync()).Count == 0, "the list forgets the peer");
    }

    [Fact]
    public async Task A_connection_over_the_client_limit_is_answered_busy()
    {
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { MaxClients = 1 });
        await using var first = await TestPeer.JoinAsync(tracker, 7001);

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => TestPeer.JoinAsync(tracker, 7002));

        Assert.Equal(ErrorCodes.Busy, refused.Code);
        Assert.Empty(await first.ListAsync());
    }

    [Fact]
    public async Task A_freed_slot_is_given_to_the_next_client()
    {
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { MaxClients = 1 });
        var first = await TestPeer.JoinAsync(tracker, 7001);
        await first.DropAsync();

        await Eventually.TrueAsync(() => Task.FromResult(tracker.ConnectionCount == 0), "the first client's slot is freed");
        await using var second = await TestPeer.JoinAsync(tracker, 7002);

        Assert.Empty(await second.ListAsync());
    }

    [Fact]
    public async Task Stopping_the_tracker_says_goodbye_to_every_peer()
    {
        var tracker = await TestTracker.StartAsync();
        await using var a = await TestPeer.JoinAsync(tracker, 7001);
        await using var b = await TestPeer.JoinAsync(tracker, 7002);
        await a.ListAsync();
        await b.ListAsync();

        await tracker.DisposeAsync().AsTask().WaitAsync(Deadline);

        await Task.WhenAll(a.ByeReceived, b.ByeReceived).WaitAsync(Deadline);
        await Task.WhenAll(a.Loop, b.Loop).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Deadline);
        Assert.Equal(0, tracker.ConnectionCount);
    }

    [Fact]
    public async Task Each_client_is_served_by_its_own_named_background_thread()
    {
        var logger = new ThreadRecordingLogger();
        await using var tracker = new TrackerServer(TestTracker.Options, logger);
        await tracker.StartAsync(CancellationToken.None);
        await using var a = await TestPeer.JoinAsync(tracker, 7001);
        await using var b = await TestPeer.JoinAsync(tracker, 7002);

        var threads = logger.JoinThreads;
        Assert.Equal(2, threads.Count);
        Assert.All(threads, t => Assert.StartsWith("tracker-client 127.0.0.1:", t.Name, StringComparison.Ordinal));
        Assert.All(threads, t => Assert.True(t.IsBackground));
        Assert.NotEqual(threads[0].Id, threads[1].Id);
    }

    private sealed class ThreadRecordingLogger : ILogger
    {
        private readonly List<(string? Name, bool IsBackground, int Id)> _threads = [];

        public IReadOnlyList<(string? Name, bool IsBackground, int Id)> JoinThreads
        {
            get
            {
                lock (_threads)
                    return [.. _threads];
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id != 20) // "Connection accepted" is logged first thing on the client's own thread.
                return;
            var thread = Thread.CurrentThread;
            lock (_threads)
                _threads.Add((thread.Name, thread.IsBackground, thread.ManagedThreadId));
        }
    }
}
