using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Testing;

/// <summary>
/// A holder that stops just as fetchers connect, on 127.0.0.1: on every connection it accepts the hello
/// (or not), then says bye and ends its side at once (reading what the fetcher sent, so the bye is not lost to a reset).
/// </summary>
public sealed class LeavingHolder : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeDeadline = TimeSpan.FromSeconds(30);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;

    private readonly bool _insteadOfWelcome;

    /// <summary>With <paramref name="insteadOfWelcome"/>, the bye answers the hello: it was leaving before the handshake ended.</summary>
    public LeavingHolder(bool insteadOfWelcome = false)
    {
        _insteadOfWelcome = insteadOfWelcome;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public HolderEntry Entry => new("127.0.0.1", ((IPEndPoint)_listener.LocalEndpoint).Port, null);

    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        var served = new List<Task>();
        try
        {
            while (true)
            {
                var tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                served.Add(SayByeAsync(tcp));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped by the test.
        }
        await Task.WhenAll(served);
    }

    private async Task SayByeAsync(TcpClient tcp)
    {
        var stream = tcp.GetStream();
        using (tcp)
        using (var channel = new MessageChannel(stream))
        {
            try
            {
                if (_insteadOfWelcome)
                    (await channel.ReceiveAsync(HandshakeDeadline, _stop.Token))?.Dispose(); // the hello
                else
                    await Handshake.AcceptAsync(channel, PeerRole.Fetcher, "127.0.0.1", null, null, HandshakeDeadline, _stop.Token);
                await channel.SendAsync(new Bye(), default, _stop.Token);
                tcp.Client.Shutdown(SocketShutdown.Send);
                // Whatever the fetcher sent is read, not reset: the bye must reach it.
                var sink = new byte[4096];
                while (await stream.ReadAsync(sink, _stop.Token) > 0)
                {
                }
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The fetcher closed, or the test ended.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
