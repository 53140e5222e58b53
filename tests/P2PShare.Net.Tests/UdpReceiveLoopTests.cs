using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Threading.Channels;
using P2PShare.Net;

namespace P2PShare.Net.Tests;

public sealed class UdpReceiveLoopTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly Socket _receiver = Bound();
    private readonly Socket _sender = Bound();
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<(byte[] Bytes, IPEndPoint From, int Interface)> _got = Channel.CreateUnbounded<(byte[], IPEndPoint, int)>();

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private Task Start(int maxLength = 100, bool withInterface = false, Action<SocketException>? onError = null) =>
        Task.Run(() => UdpReceiveLoop.RunAsync(_receiver, maxLength, d =>
        {
            _got.Writer.TryWrite((d.Bytes.ToArray(), d.From, d.InterfaceIndex));
            return Task.CompletedTask;
        }, onError ?? (_ => { }), withInterface, _stop.Token));

    private Task<int> SendAsync(params byte[] bytes) =>
        _sender.SendToAsync(bytes, SocketFlags.None, _receiver.LocalEndPoint!);

    private async Task<(byte[] Bytes, IPEndPoint From, int Interface)> NextAsync()
    {
        using var timeout = new CancellationTokenSource(Wait);
        return await _got.Reader.ReadAsync(timeout.Token);
    }

    [Fact]
    public async Task Hands_each_datagram_to_the_handler_with_its_sender_in_order()
    {
        var loop = Start();
        await SendAsync(1, 2, 3);
        await SendAsync(4);
        var first = await NextAsync();
        var second = await NextAsync();
        Assert.Equal([1, 2, 3], first.Bytes);
        Assert.Equal(_sender.LocalEndPoint, first.From);
        Assert.Equal(-1, first.Interface);
        Assert.Equal([4], second.Bytes);
        Assert.False(loop.IsCompleted);
    }

    [Fact]
    public async Task A_datagram_over_the_maximum_arrives_one_byte_longer_so_the_handler_can_refuse_it()
    {
        _ = Start(maxLength: 4);
        await SendAsync(new byte[10]);
        Assert.Equal(5, (await NextAsync()).Bytes.Length);
    }

    [Fact]
    public async Task With_interface_reports_the_interface_the_datagram_came_in_on()
    {
        _receiver.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
        _ = Start(withInterface: true);
        await SendAsync(7);
        int loopback = NetworkInterface.GetAllNetworkInterfaces().First(n => n.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            .GetIPProperties().GetIPv4Properties().Index;
        Assert.Equal(loopback, (await NextAsync()).Interface);
    }

    [Fact]
    public async Task Ends_without_error_when_stopped_and_when_its_socket_is_closed_after_the_stop()
    {
        var loop = Start();
        await SendAsync(1);
        await NextAsync();
        await _stop.CancelAsync();
        await loop.WaitAsync(Wait);
        Assert.True(loop.IsCompletedSuccessfully);

        using var other = Bound();
        using var stop = new CancellationTokenSource();
        var closed = Task.Run(() => UdpReceiveLoop.RunAsync(other, 10, _ => Task.CompletedTask, _ => { }, false, stop.Token));
        await stop.CancelAsync();
        other.Dispose();
        await closed.WaitAsync(Wait);
        Assert.True(closed.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Reads_the_next_datagram_only_after_the_handler_is_done()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int handled = 0;
        var loop = Task.Run(() => UdpReceiveLoop.RunAsync(_receiver, 10, async _ =>
        {
            if (Interlocked.Increment(ref handled) == 1)
                await release.Task;
        }, _ => { }, false, _stop.Token));
        await SendAsync(1);
        await SendAsync(2);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref handled) == 1), "the first datagram is being handled");
        Assert.Equal(1, Volatile.Read(ref handled));
        release.SetResult();
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref handled) == 2), "the second datagram is handled");
        Assert.False(loop.IsCompleted);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _receiver.Dispose();
        _sender.Dispose();
        _stop.Dispose();
    }
}
