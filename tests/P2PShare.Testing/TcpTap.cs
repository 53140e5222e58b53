using System.Net;
using System.Net.Sockets;

namespace P2PShare.Testing;

/// <summary>
/// A loopback TCP forwarder that sits between a client and a server, keeps a copy of every byte
/// both ways, and can flip one byte of what the server sends: a wire-tapper and an injector in one.
/// </summary>
public sealed class TcpTap : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly MemoryStream _recorded = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private long _flipAt = -1;
    private long _downstream;
    private int _connections;

    private TcpTap(IPEndPoint target) => _target = target;

    /// <summary>The port clients connect to instead of the target's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts forwarding to <paramref name="target"/>.</summary>
    public static TcpTap Start(IPEndPoint target)
    {
        var tap = new TcpTap(target);
        tap._listener.Start();
        tap._pumps.Add(tap.AcceptLoopAsync());
        return tap;
    }

    /// <summary>Flips (xor 0xff) the byte at <paramref name="offset"/> of all the bytes the server sends, counted across connections; once.</summary>
    public void FlipServerByteAt(long offset) => Interlocked.Exchange(ref _flipAt, offset);

    /// <summary>Connections forwarded so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>True once the flip happened.</summary>
    public bool Flipped => Interlocked.Read(ref _flipAt) == -2;

    /// <summary>Everything that passed, both directions, in arrival order.</summary>
    public byte[] Recorded()
    {
        lock (_recorded)
            return _recorded.ToArray();
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
            Interlocked.Increment(ref _connections);
            var server = new TcpClient();
            await server.ConnectAsync(_target, _stop.Token);
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
                if (n == 0)
                    break;
                if (!toServer)
                    FlipIfDue(buffer.AsSpan(0, n));
                lock (_recorded)
                    _recorded.Write(buffer, 0, n);
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

    private void FlipIfDue(Span<byte> chunk)
    {
        long start = Interlocked.Add(ref _downstream, chunk.Length) - chunk.Length;
        long at = Interlocked.Read(ref _flipAt);
        if (at >= start && at < start + chunk.Length && Interlocked.CompareExchange(ref _flipAt, -2, at) == at)
            chunk[(int)(at - start)] ^= 0xff;
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
        _recorded.Dispose();
    }
}
