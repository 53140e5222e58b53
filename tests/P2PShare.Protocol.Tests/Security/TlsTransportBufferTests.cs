using System.Security.Cryptography;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;

namespace P2PShare.Protocol.Tests.Security;

/// <summary>
/// The buffers under TLS (reads taken in large gulps, records gathered until a frame is flushed):
/// frames of every size cross intact and at once, and the buffers are charged to a server's frame budget.
/// </summary>
public sealed class TlsTransportBufferTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly SharedSecret Secret = new("transport buffer tests secret");

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(16 * 1024)]
    [InlineData(300 * 1024)]
    public async Task A_frame_written_over_tls_arrives_whole_without_any_later_write(int payloadLength)
    {
        var budget = new FrameMemoryBudget(FrameMemoryBudget.DefaultServerBytes);
        await using var pair = await TlsPair.OpenAsync(budget);
        byte[] payload = RandomNumberGenerator.GetBytes(payloadLength);

        // Nothing is written after this frame: if gathered records waited for more, the read would time out.
        await pair.Client.SendAsync(new Bye(), payload).WaitAsync(Timeout);
        using var incoming = await pair.Server.ReceiveAsync(Timeout);

        Assert.IsType<Bye>(incoming!.Message);
        Assert.True(incoming.Payload.Span.SequenceEqual(payload));
    }

    [Fact]
    public async Task Many_frames_of_mixed_sizes_cross_tls_intact_both_ways_and_give_their_buffers_back_to_the_budget()
    {
        var budget = new FrameMemoryBudget(FrameMemoryBudget.DefaultServerBytes);
        var sent = Enumerable.Range(0, 24).Select(i => RandomNumberGenerator.GetBytes(i % 3 == 0 ? 200 * 1024 + i : 50 * i)).ToList();
        await using (var pair = await TlsPair.OpenAsync(budget))
        {
            var sending = Task.Run(async () =>
            {
                foreach (var payload in sent)
                    await pair.Client.SendAsync(new Bye(), payload);
            });
            foreach (var payload in sent)
            {
                using var incoming = await pair.Server.ReceiveAsync(Timeout);
                Assert.True(incoming!.Payload.Span.SequenceEqual(payload));
                await pair.Server.SendAsync(new Bye(), incoming.Payload); // and back
                using var echoed = await pair.Client.ReceiveAsync(Timeout);
                Assert.True(echoed!.Payload.Span.SequenceEqual(payload));
            }
            await sending.WaitAsync(Timeout);
        }

        // Every buffer the server's transport took was charged and is returned: a leak, or a buffer never charged, shows here.
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task With_no_room_in_its_frame_budget_for_a_transport_buffer_a_tls_connection_still_carries_frames()
    {
        // The smallest budget a server may have holds a frame's first growth step, not a 64 KiB transport buffer.
        var budget = new FrameMemoryBudget(16 * 1024);
        await using var pair = await TlsPair.OpenAsync(budget);

        await pair.Client.SendAsync(new Bye(), new byte[1000]).WaitAsync(Timeout);
        await pair.Server.SendAsync(new Bye(), new byte[100 * 1024]).WaitAsync(Timeout);
        using var atServer = await pair.Server.ReceiveAsync(Timeout);
        using var atClient = await pair.Client.ReceiveAsync(Timeout);

        Assert.Equal(1000, atServer!.Payload.Length);
        Assert.Equal(100 * 1024, atClient!.Payload.Length);
    }

    // Both ends of one TLS connection as channels; the accepting end charges its transport to `budget`.
    private sealed class TlsPair(SocketPair sockets, MessageChannel client, MessageChannel server) : IAsyncDisposable
    {
        public MessageChannel Client => client;

        public MessageChannel Server => server;

        public static async Task<TlsPair> OpenAsync(FrameMemoryBudget budget)
        {
            var sockets = await SocketPair.ConnectAsync();
            var accepting = TransportSecurity.AcceptAsync(sockets.Server.Client, sockets.Server.GetStream(), Secret, budget, Timeout, CancellationToken.None);
            var connected = await TransportSecurity.ConnectAsync(sockets.Client.GetStream(), Secret, Timeout, CancellationToken.None);
            var accepted = (await accepting.WaitAsync(Timeout)).Secured!;
            return new TlsPair(sockets, new MessageChannel(connected.Stream), new MessageChannel(accepted.Stream, null, budget));
        }

        public ValueTask DisposeAsync()
        {
            client.Dispose();
            server.Dispose();
            sockets.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
