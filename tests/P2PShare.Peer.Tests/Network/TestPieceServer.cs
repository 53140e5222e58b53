using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Network;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Tests.Network;

/// <summary>A piece server on 127.0.0.1 (OS-chosen port) sharing one file, with raw-socket and well-behaved fetchers.</summary>
internal sealed class TestPieceServer : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    public static readonly byte[] Content = StorageTestFolder.Bytes(10_000, seed: 7);

    private readonly StorageTestFolder _folder;

    private TestPieceServer(StorageTestFolder folder, PieceServer server, Repository repository, PeerOptions options)
    {
        _folder = folder;
        Server = server;
        Repository = repository;
        Options = options;
    }

    public PieceServer Server { get; }

    public Repository Repository { get; }

    public PeerOptions Options { get; }

    public int Port => Server.LocalEndPoint.Port;

    /// <summary>The id of the one shared file (<c>shared.bin</c>, 10,000 bytes in pieces of 4,096).</summary>
    public FileId SharedId => Repository.Files.Single().Id;

    public static PeerOptions Defaults => new() { BindAddress = IPAddress.Loopback, Port = 0, PieceLength = 4096 };

    /// <summary>Starts serving <c>shared.bin</c> (<see cref="Content"/> unless <paramref name="content"/>), through <paramref name="serveThrough"/> when a test injects a fault.</summary>
    public static async Task<TestPieceServer> StartAsync(PeerOptions? options = null, ILogger? logger = null, Func<IPieceSource, IPieceSource>? serveThrough = null, byte[]? content = null)
    {
        options ??= Defaults;
        var folder = new StorageTestFolder();
        folder.Write("shared.bin", content ?? Content);
        var repository = folder.Open(options.PieceLength);
        await repository.ScanAsync(CancellationToken.None).WaitAsync(Deadline);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        IPieceSource pieces = new RepositoryPieces(repository);
        var server = new PieceServer(listener, serveThrough?.Invoke(pieces) ?? pieces, options, logger ?? NullLogger.Instance);
        server.Start();
        return new TestPieceServer(folder, server, repository, options);
    }

    /// <summary>A well-behaved fetcher (the peer's own client code).</summary>
    public Task<PeerLink> FetchAsync(SharedSecret? secret = null) =>
        PeerLink.ConnectAsync("127.0.0.1", Port, 0, Defaults with { Secret = secret }, CancellationToken.None).WaitAsync(Deadline);

    /// <summary>A raw connection, from <paramref name="from"/> (another loopback address looks like another host).</summary>
    public async Task<TcpClient> OpenAsync(IPAddress? from = null)
    {
        var tcp = from is null ? new TcpClient(AddressFamily.InterNetwork) : new TcpClient(new IPEndPoint(from, 0));
        await tcp.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(Deadline);
        return tcp;
    }

    /// <summary>A greeted channel with no read loop: the test reads replies itself.</summary>
    public static async Task<MessageChannel> GreetAsync(TcpClient tcp)
    {
        var channel = new MessageChannel(tcp.GetStream());
        await Handshake.GreetAsync(channel, new Hello(ProtocolLimits.CurrentVersion, PeerRole.Fetcher, 0, "peer-tests"), null, Deadline, CancellationToken.None).WaitAsync(Deadline);
        return channel;
    }

    /// <summary>True once the server has closed <paramref name="tcp"/>; false if it is still open after the deadline.</summary>
    public static Task<bool> ClosedByServerAsync(TcpClient tcp) => HostileInput.ClosedByServerAsync(tcp.GetStream(), Deadline);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _folder.Dispose();
    }
}
