using System.Net;
using System.Net.Sockets;

namespace P2PShare.Protocol.Tests.Security;

/// <summary>Two ends of one loopback TCP connection.</summary>
internal sealed class SocketPair : IDisposable
{
    private SocketPair(TcpClient client, TcpClient server)
    {
        Client = client;
        Server = server;
    }

    public TcpClient Client { get; }

    public TcpClient Server { get; }

    public static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    public static async Task<SocketPair> ConnectAsync()
    {
        using var listener = Listen();
        var client = new TcpClient();
        var accept = listener.AcceptTcpClientAsync();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port).WaitAsync(TimeSpan.FromSeconds(10));
        return new SocketPair(client, await accept.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
