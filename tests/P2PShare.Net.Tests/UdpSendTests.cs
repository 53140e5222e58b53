using System.Net;
using System.Net.Sockets;
using P2PShare.Net;

namespace P2PShare.Net.Tests;

public sealed class UdpSendTests
{
    [Fact]
    public async Task Sends_the_datagram_to_the_target()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await UdpSend.ToAsync(sender, new byte[] { 9, 8 }, (IPEndPoint)receiver.LocalEndPoint!, TimeSpan.FromSeconds(5), CancellationToken.None);
        var buffer = new byte[10];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await receiver.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
        Assert.Equal([9, 8], buffer.AsSpan(0, received.ReceivedBytes).ToArray());
    }

    [Fact]
    public async Task Gives_up_at_once_when_already_cancelled()
    {
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            UdpSend.ToAsync(sender, new byte[] { 1 }, new IPEndPoint(IPAddress.Loopback, 9), TimeSpan.FromSeconds(5), cancelled.Token));
    }
}
