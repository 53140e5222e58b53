using System.Net;
using System.Net.Sockets;

namespace P2PShare.Testing;

/// <summary>
/// A loopback TCP forwarder: each connection accepted is relayed to a target, both ways, and every
/// chunk is shown to a hook first, which may change it or cut that connection. The tap and the
/// cutting proxy of the tests are this relay with a hook each.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    /// <summary>Sees (and may change) a chunk before it is passed on; false cuts the connection without passing it.</summary>
    public delegate bool ChunkHook(Span<byte> chunk, bool toServer);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly ChunkHook _onChunk;
    private readonly Func<bool> _admit;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private int _connections;

    private TcpRelay(IPEndPoint target, ChunkHook onChunk, Func<bool> admit)
    {
        _target = target;
        _onChunk = onChunk;
        _admit = admit;
    }

    /// <summary>The port clients connect to instead of the target's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections forwarded so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>
    /// Starts relaying to <paramref name="target"/>; <paramref name="onChunk"/> sees every chunk, and a
    /// connection is closed at once, unforwarded, while <paramref name="admit"/> says no.
    /// </summary>
    public static TcpRelay Start(IPEndPoint target, ChunkHook? onChunk = null, Func<bool>? admit = null)
    {
        var relay = new TcpRelay(target, onChunk ?? ((_, _) => true), admit ?? (() => true));
        relay._listener.Start();
        relay._pumps.Add(relay.AcceptLoopAsync());
        return relay;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
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
            if (!_admit())
            {
                client.Dispose();
                continue;
            }
            Interlocked.Increment(ref _connections);
            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(_target, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            lock (_pumps)
            {
                _pumps.Add(PumpAsync(client, server, toServer: true));
                _pumps.Add(PumpAsync(server, client, toServer: false));
            }
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool toServer)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await from.GetStream().ReadAsync(buffer, _stop.Token);
                if (n == 0 || !_onChunk(buffer.AsSpan(0, n), toServer))
                    break;
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] pumps;
        lock (_pumps)
            pumps = [.. _pumps];
        await Task.WhenAll(pumps).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
