using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol.Rpc;

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

    public static async Task<ChannelPair> ConnectAsync(ProtocolLimits? limits = null)
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
            return new ChannelPair(
                new MessageChannel(client.GetStream(), limits),
                new MessageChannel(server.GetStream(), limits),
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
