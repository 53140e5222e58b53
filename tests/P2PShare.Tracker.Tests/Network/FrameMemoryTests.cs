using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Network;

/// <summary>
/// 64 connections that each claim a 16 MiB frame and send much of it cost the tracker a bounded
/// amount of memory, which it gives back when they close. Measured with the GC's own count of live
/// bytes, so this class runs alone: another test's garbage would blur the figure.
/// </summary>
[Collection(nameof(FrameMemoryTests))]
[CollectionDefinition(nameof(FrameMemoryTests), DisableParallelization = true)]
public sealed class FrameMemoryTests
{
    private const int Connections = 64;
    private const long Bound = 100L * 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly SharedSecret Secret = new("frame-memory-tests secret");

    [Fact]
    public async Task Sixty_four_unproven_connections_claiming_16_MiB_frames_are_refused_on_the_prefix_and_cost_almost_nothing()
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { Secret = Secret }, logger);
        long before = LiveBytes();

        var clients = await OpenAsync(tracker);
        try
        {
            // Each sends the prefix of a 16 MiB frame and 4 MiB of it, before any hello or proof.
            long peak = await SendClaimsAsync(clients, tracker, hello: false);
            Assert.True(peak - before < Bound, $"the tracker grew by {(peak - before) >> 20} MiB");
            await Eventually.TrueAsync(() => Task.FromResult(logger.Lines.Count(l => l.Text.Contains("allowed before the handshake completes", StringComparison.Ordinal)) == Connections),
                "every connection is refused for its oversized first frame", Deadline);
        }
        finally
        {
            Close(clients);
        }
        await AssertGivenBackAsync(tracker, before);
    }

    [Fact]
    public async Task Sixty_four_joined_connections_claiming_16_MiB_frames_are_held_to_the_shared_budget_and_it_is_given_back()
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options, logger);
        long before = LiveBytes();

        var clients = await OpenAsync(tracker);
        try
        {
            // On an open network a hello is all it takes to join: then each claims 16 MiB and sends 4 MiB of it.
            long peak = await SendClaimsAsync(clients, tracker, hello: true);
            Assert.True(peak - before < Bound, $"the tracker grew by {(peak - before) >> 20} MiB");
            Assert.True(logger.Has(LogLevel.Warning, "frames on all connections hold as much memory as allowed"),
                "connections over the budget are closed with a warning");
        }
        finally
        {
            Close(clients);
        }
        await AssertGivenBackAsync(tracker, before);
    }

    [Fact]
    public async Task Connections_from_one_address_cannot_take_the_frame_memory_every_other_client_needs()
    {
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options, new ListLogger());
        var hogs = new List<TcpClient>();
        try
        {
            // 24 joined connections from 127.0.0.1 each hold 4 MiB of an unfinished 16 MiB frame: 96 MiB
            // wanted, more than the whole 64 MiB budget. Their address gets a quarter of it.
            for (int i = 0; i < 24; i++)
                hogs.Add(await TestPeer.OpenAsync(tracker));
            await SendClaimsAsync(hogs, tracker, hello: true);

            // Another machine (another loopback address) still joins and announces 300 files (about 45 KB).
            await using var honest = await TestPeer.JoinAsync(tracker, listenPort: 4000, from: System.Net.IPAddress.Parse("127.0.0.2"));
            var files = Enumerable.Range(0, 300).Select(i => Files.Complete($"file number {i:D4}.bin", $"seed {i}")).ToArray();
            var ok = await honest.AnnounceAsync(files);

            Assert.Equal(0, ok.RefusedCount);
            Assert.InRange(tracker.FrameMemory.InUse, 0, tracker.FrameMemory.MaxBytes / 4 + (1 << 20));
        }
        finally
        {
            Close(hogs);
        }
    }

    private static async Task<List<TcpClient>> OpenAsync(TrackerServer tracker)
    {
        var clients = new List<TcpClient>();
        for (int i = 0; i < Connections; i++)
            clients.Add(await TestPeer.OpenAsync(tracker));
        return clients;
    }

    // Sends every client's claim at once; returns the most live bytes seen while they were in flight.
    private static async Task<long> SendClaimsAsync(List<TcpClient> clients, TrackerServer tracker, bool hello)
    {
        byte[] header = "type::announce;id::2;"u8.ToArray();
        byte[] claim = new byte[FrameLayout.PrefixLength + header.Length];
        FrameLayout.WritePrefix(claim, header.Length, ProtocolLimits.Default.MaxFrameLength - 4 - header.Length);
        header.CopyTo(claim, FrameLayout.PrefixLength);
        byte[] body = new byte[4 * 1024 * 1024];
        var sends = clients.Select(client => Task.Run(() => SendClaimAsync(client, hello, claim, body))).ToList();
        long peak = LiveBytes();
        using var deadline = new CancellationTokenSource(Deadline);
        while (!sends.TrueForAll(s => s.IsCompleted))
        {
            peak = Math.Max(peak, LiveBytes());
            await Task.Delay(20, deadline.Token); // sampling while the sends run, not ordering
        }
        await Task.WhenAll(sends);
        // The tracker reads what is still in its sockets' buffers after the sends return: sample a little longer.
        for (int i = 0; i < 25; i++)
        {
            peak = Math.Max(peak, LiveBytes());
            await Task.Delay(20, deadline.Token);
        }
        Assert.InRange(tracker.FrameMemory.InUse, 0, tracker.FrameMemory.MaxBytes);
        return Math.Max(peak, LiveBytes());
    }

    private static async Task SendClaimAsync(TcpClient client, bool hello, byte[] claim, byte[] body)
    {
        var stream = client.GetStream();
        try
        {
            if (hello)
            {
                var channel = new MessageChannel(new NonClosingStream(stream));
                await Handshake.GreetAsync(channel, new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 0, "claimer"), null, TestTracker.Deadline, CancellationToken.None);
            }
            await stream.WriteAsync(claim).AsTask().WaitAsync(Deadline);
            await stream.WriteAsync(body).AsTask().WaitAsync(Deadline);
        }
        catch (IOException)
        {
            // Closed by the tracker mid-send: what this test expects for most of them.
        }
    }

    private static void Close(List<TcpClient> clients)
    {
        foreach (var client in clients)
            client.Dispose();
    }

    private static async Task AssertGivenBackAsync(TrackerServer tracker, long before)
    {
        await Eventually.TrueAsync(() => Task.FromResult(tracker.ConnectionCount == 0 && tracker.FrameMemory.InUse == 0),
            "every connection has ended and its frame memory is given back", Deadline);
        long after = LiveBytes();
        Assert.True(after - before < 16L * 1024 * 1024, $"{(after - before) >> 20} MiB were still live after every connection closed");
    }

    private static long LiveBytes() => GC.GetTotalMemory(forceFullCollection: true);

    // Lets the handshake's channel be dropped without closing the socket the test goes on writing to.
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
