using System.Net;
using System.Net.Sockets;
using System.Text;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A loopback forwarder to a tracker that cuts the connection the first time a client sends a frame
/// containing <c>marker</c> (that frame is never delivered), and from then on closes every new
/// connection at once until <see cref="Heal"/>: a tracker lost at an exact point of a conversation.
/// </summary>
internal sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly byte[] _marker;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private volatile bool _cut;
    private volatile bool _healed;

    public CuttingProxy(IPEndPoint target, string marker)
    {
        _target = target;
        _marker = Encoding.UTF8.GetBytes(marker);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Connections are forwarded again.</summary>
    public void Heal() => _healed = true;

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            if (_cut && !_healed)
            {
                client.Dispose();
                continue;
            }
            var server = new TcpClient();
            await server.ConnectAsync(_target, _stop.Token);
            lock (_pumps)
            {
                _pumps.Add(PumpAsync(client, server, watch: !_cut));
                _pumps.Add(PumpAsync(server, client, watch: false));
            }
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool watch)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await from.GetStream().ReadAsync(buffer, _stop.Token);
                if (n == 0)
                    break;
                if (watch && !_cut && buffer.AsSpan(0, n).IndexOf(_marker) >= 0)
                {
                    _cut = true;
                    break;
                }
                await to.GetStream().WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away: the other follows.
        }
        from.Dispose();
        to.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] pumps;
        lock (_pumps)
            pumps = [.. _pumps];
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }
}
