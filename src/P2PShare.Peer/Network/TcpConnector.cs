using System.Net.Sockets;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;

namespace P2PShare.Peer.Network;

/// <summary>Opens TCP connections with a deadline and the socket options every connection uses.</summary>
internal static class TcpConnector
{
    public static async Task<TcpClient> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(host, port, deadline.Token);
            client.Client.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            return client;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new TimeoutException($"no answer from {host}:{port} within {timeout.TotalSeconds:0.#} s");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Connects within the connect timeout, starts TLS when there is a secret, says hello as <paramref name="role"/> and hands the greeted
    /// channel to <paramref name="greeted"/>. Whatever fails on the way (the connect, the handshake or
    /// <paramref name="greeted"/> itself) closes the channel and the socket before the exception goes on.
    /// </summary>
    public static async Task<T> ConnectAndGreetAsync<T>(string host, int port, string role, int ourPort, PeerOptions options,
        Func<MessageChannel, Welcome, Task<T>> greeted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var tcp = await ConnectAsync(host, port, options.ConnectTimeout, cancellationToken);
        MessageChannel? channel = null;
        try
        {
            // With a secret, TLS first (PROTOCOL.md §6.1): not one frame travels in clear.
            var secured = await TransportSecurity.ConnectAsync(tcp.GetStream(), options.Secret, options.HandshakeTimeout, cancellationToken);
            // On a plain socket the kernel wakes the reader per 64 KiB of a large frame, not per packet; TLS buffers records, so not there.
            channel = new MessageChannel(secured.Stream, options.Limits)
            {
                Binding = secured.Binding,
                ReceiveHint = secured.Encrypted ? null : new ReceiveWatermark(tcp.Client),
            };
            var welcome = await Handshake.GreetAsync(channel, new Hello(ProtocolLimits.CurrentVersion, role, ourPort, "P2PShare.Peer/1"), options.Secret, options.HandshakeTimeout, cancellationToken);
            return await greeted(channel, welcome);
        }
        catch
        {
            channel?.Dispose();
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>host:port, with brackets around an IPv6 host.</summary>
    public static string Format(string host, int port) =>
        host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
}
