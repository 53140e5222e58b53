using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Network;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary>
/// A piece server on 127.0.0.1 sharing one file from a folder of its own; started again on the same
/// port it plays a holder that was killed and restarted.
/// </summary>
internal sealed class TestSeeder : IAsyncDisposable
{
    public const int PieceLength = 1024;

    private readonly StorageTestFolder _folder;
    private readonly PieceServer _server;

    private TestSeeder(StorageTestFolder folder, PieceServer server, Repository repository)
    {
        _folder = folder;
        _server = server;
        Manifest = repository.Files.Single().Manifest;
    }

    public Manifest Manifest { get; }

    public int Port => _server.LocalEndPoint.Port;

    /// <summary>How the tracker would list it: every piece, or only <paramref name="have"/>.</summary>
    public HolderEntry Entry(PieceSet? have = null) => new("127.0.0.1", Port, have);

    /// <summary>Serves <paramref name="content"/> on <paramref name="port"/> (0: any), each piece after <paramref name="beforeServing"/>.</summary>
    public static Task<TestSeeder> StartAsync(byte[] content, int port = 0, Func<CancellationToken, Task>? beforeServing = null) =>
        StartAsync(content, port, beforeServing is null ? pieces => pieces : GatedPieces.Wrap(beforeServing), NullLogger.Instance);

    /// <summary>As above, serving through <paramref name="serveThrough"/> (a fault a test injects) and logging to <paramref name="logger"/>.</summary>
    public static async Task<TestSeeder> StartAsync(byte[] content, int port, Func<IPieceSource, IPieceSource> serveThrough, ILogger logger)
    {
        var folder = new StorageTestFolder();
        folder.Write("file.bin", content);
        var repository = folder.Open(PieceLength);
        await repository.ScanAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var options = new PeerOptions { BindAddress = IPAddress.Loopback, PieceLength = PieceLength };
        var server = new PieceServer(listener, serveThrough(new RepositoryPieces(repository)), options, logger);
        server.Start();
        return new TestSeeder(folder, server, repository);
    }

    /// <summary>A holder still downloading <paramref name="content"/>: it has verified only <paramref name="pieces"/>, and serves those.</summary>
    public static async Task<TestSeeder> StartPartialAsync(byte[] content, IEnumerable<int> pieces)
    {
        var folder = new StorageTestFolder();
        var repository = folder.Open(PieceLength);
        await repository.ScanAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var manifest = StorageTestFolder.ManifestOf(content, PieceLength);
        var file = repository.OpenDownload(manifest, "file.bin");
        foreach (int piece in pieces)
            file.WritePiece(piece, StorageTestFolder.Piece(content, manifest, piece));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var server = new PieceServer(listener, new RepositoryPieces(repository), new PeerOptions { BindAddress = IPAddress.Loopback, PieceLength = PieceLength }, NullLogger.Instance);
        server.Start();
        return new TestSeeder(folder, server, repository);
    }

    /// <summary>Stops serving and closes every connection at once, as a killed process would.</summary>
    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _folder.Dispose();
    }
}
