using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;

namespace P2PShare.Protocol.Tests.Rpc;

/// <summary>Two <see cref="MessageChannel"/>s over a real loopback TCP connection (127.0.0.1, OS-chosen port).</summary>
internal sealed class ChannelPair : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private ChannelPair(MessageChannel client, MessageChannel server, TcpClient clientSocket, TcpClient serverSocket)
    {
        Client = client;
        Server = server;
        ClientSocket = clientSocket;
        ServerSocket = serverSocket;
    }

    public MessageChannel Client { get; }

    public MessageChannel Server { get; }

    public TcpClient ClientSocket { get; }

    public TcpClient ServerSocket { get; }

    /// <summary>A connected pair; with <paramref name="tls"/>, TLS 1.3 as a network with a secret runs it (PROTOCOL.md §6.1).</summary>
    public static async Task<ChannelPair> ConnectAsync(ProtocolLimits? limits = null, bool tls = false)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var client = new TcpClient();
            var accept = listener.AcceptTcpClientAsync();
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout);
            var server = await accept.WaitAsync(Timeout);
            if (!tls)
                return new ChannelPair(new MessageChannel(client.GetStream(), limits), new MessageChannel(server.GetStream(), limits), client, server);
            // The TLS layer never reads the secret (the handshake above it does): any one turns TLS on.
            var anySecret = new SharedSecret("turns tls on");
            var accepted = TransportSecurity.AcceptAsync(server.Client, server.GetStream(), anySecret, Timeout, CancellationToken.None);
            var connected = await TransportSecurity.ConnectAsync(client.GetStream(), anySecret, Timeout, CancellationToken.None);
            var serverSide = (await accepted.WaitAsync(Timeout)).Secured!;
            return new ChannelPair(
                new MessageChannel(connected.Stream, limits) { Binding = connected.Binding },
                new MessageChannel(serverSide.Stream, limits) { Binding = serverSide.Binding },
                client,
                server);
        }
        finally
        {
            listener.Stop();
        }
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        Server.Dispose();
        ClientSocket.Dispose();
        ServerSocket.Dispose();
        return ValueTask.CompletedTask;
    }
}
