using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using P2PShare.Peer.Network;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Tests.Network;

/// <summary>
/// <see cref="ReceiveWatermark"/> on a real loopback socket: a large frame that arrives in parts is read
/// whole, and the small frame after it is not held back by the watermark the large one set.
/// </summary>
public sealed class ReceiveWatermarkTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_small_frame_arriving_while_the_reader_waits_after_a_large_one_is_read_at_once()
    {
        await using var pair = await WatchedPair.OpenAsync();
        byte[] large = RandomNumberGenerator.GetBytes(300 * 1024);
        await pair.Sender.SendAsync(new Bye(), large).WaitAsync(Timeout);
        using (var first = await pair.Reader.ReceiveAsync(Timeout))
            Assert.True(first!.Payload.Span.SequenceEqual(large));

        // The reader waits first, then a few bytes come: a watermark left at 64 KiB would never wake it.
        var waiting = pair.Reader.ReceiveAsync(Timeout);
        await pair.Sender.SendAsync(new Bye(), new byte[10]).WaitAsync(Timeout);
        using var second = await waiting;

        Assert.Equal(10, second!.Payload.Length);
    }

    [Fact]
    public async Task A_large_frame_whose_last_part_comes_late_is_read_whole()
    {
        await using var pair = await WatchedPair.OpenAsync();
        byte[] payload = RandomNumberGenerator.GetBytes(500 * 1024);
        byte[] frame = P2PShare.Protocol.Framing.FrameWriter.Encode("type::bye;", payload);

        var reading = pair.Reader.ReceiveAsync(Timeout);
        await pair.SenderSocket.SendAsync(frame.AsMemory(0, 200 * 1024));
        await pair.SenderSocket.SendAsync(frame.AsMemory(200 * 1024));
        using var incoming = await reading;

        Assert.True(incoming!.Payload.Span.SequenceEqual(payload));
    }

    // A reading channel whose socket carries the watermark, and the other end as a channel and a raw socket.
    private sealed class WatchedPair(TcpClient readerTcp, TcpClient senderTcp) : IAsyncDisposable
    {
        public MessageChannel Reader { get; } = new(readerTcp.GetStream()) { ReceiveHint = new ReceiveWatermark(readerTcp.Client) };

        public MessageChannel Sender { get; } = new(senderTcp.GetStream());

        public Socket SenderSocket => senderTcp.Client;

        public static async Task<WatchedPair> OpenAsync()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var reader = new TcpClient();
            var accept = listener.AcceptTcpClientAsync();
            await reader.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(Timeout);
            return new WatchedPair(reader, await accept.WaitAsync(Timeout));
        }

        public ValueTask DisposeAsync()
        {
            Reader.Dispose();
            Sender.Dispose();
            readerTcp.Dispose();
            senderTcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
