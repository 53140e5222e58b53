using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using P2PShare.Protocol.Security;

namespace P2PShare.Testing;

// The relay is the attacker: it trusts whatever it is shown.
#pragma warning disable CA5359

/// <summary>
/// A machine in the middle that terminates TLS on both sides with its own certificate and passes the
/// plaintext through, counting it: what an attacker on the LAN who does not know the secret can do.
/// </summary>
public sealed class TlsRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = TlsIdentity.Create();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _host;
    private readonly int _port;
    private Task _loop = Task.CompletedTask;
    private long _relayed;

    private TlsRelay(string host, int port)
    {
        _host = host;
        _port = port;
    }

    /// <summary>The port to connect to instead of the target's.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Plaintext bytes passed on, both directions.</summary>
    public long Relayed => Interlocked.Read(ref _relayed);

    /// <summary>Starts relaying to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static Task<TlsRelay> StartAsync(string host, int port)
    {
        var relay = new TlsRelay(host, port);
        relay._listener.Start();
        relay._loop = relay.AcceptLoopAsync();
        return Task.FromResult(relay);
    }

    private async Task AcceptLoopAsync()
    {
        var pumps = new List<Task>();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                pumps.Add(RelayAsync(client));
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }
        }
        await Task.WhenAll(pumps);
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var owned = client;
        using var server = new TcpClient();
        try
        {
            await using var toClient = new SslStream(client.GetStream());
            await toClient.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _certificate,
                ClientCertificateRequired = true,
                EnabledSslProtocols = SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, _stop.Token);
            await server.ConnectAsync(_host, _port, _stop.Token);
            await using var toServer = new SslStream(server.GetStream());
            await toServer.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "p2pshare",
                EnabledSslProtocols = SslProtocols.Tls13,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => _certificate,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, _stop.Token);
            var up = PumpAsync(toClient, toServer);
            var down = PumpAsync(toServer, toClient);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException or ObjectDisposedException)
        {
            // Either end hung up.
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                Interlocked.Add(ref _relayed, n);
                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
        _certificate.Dispose();
    }
}
#pragma warning restore CA5359
