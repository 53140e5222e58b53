using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>Our connection to a peer that holds a file: manifest, have-map and piece requests, pipelined.</summary>
public sealed class PeerLink : IAsyncDisposable
{
    private readonly MessageChannel _channel;
    private readonly PeerOptions _options;
    private readonly Task _readLoop;
    private Watched? _watch; // set once by WatchHaveAsync
    private volatile bool _saidBye;

    private PeerLink(MessageChannel channel, string endpoint, PeerOptions options)
    {
        _channel = channel;
        Endpoint = endpoint;
        _options = options;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The peer's host:port.</summary>
    public string Endpoint { get; }

    /// <summary>Cancelled once the connection closes.</summary>
    public CancellationToken Closed => _channel.Closed;

    /// <summary>The peer said <c>bye</c>: it left on purpose (after its last replies), so the close is no fault.</summary>
    public bool SaidBye => _saidBye;

    /// <summary>Connects and says hello.</summary>
    public static Task<PeerLink> ConnectAsync(string host, int port, int ourPort, PeerOptions options, CancellationToken cancellationToken) =>
        TcpConnector.ConnectAndGreetAsync(host, port, PeerRole.Fetcher, ourPort, options,
            (channel, _) => Task.FromResult(new PeerLink(channel, TcpConnector.Format(host, port), options)), cancellationToken);

    private async Task ReadLoopAsync()
    {
        try
        {
            // A fetcher expects replies, have notices for a file it watches, and bye; anything else is dropped.
            await _channel.RunAsync((incoming, _) =>
            {
                if (incoming.Message is HavePiece have && Volatile.Read(ref _watch) is { } watch && have.File == watch.File && have.Piece < watch.Pieces)
                    watch.Gained(have.Piece);
                else if (incoming.Message is Bye)
                {
                    _saidBye = true; // before the close, so whoever sees the close sees this too
                    _channel.Close();
                }
                incoming.Dispose();
                return Task.CompletedTask;
            }, Timeout.InfiniteTimeSpan);
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            // The pending requests fail with the cause; nothing more to do here.
        }
    }

    /// <summary>The file's manifest, verified against <paramref name="file"/>.</summary>
    public async Task<Manifest> GetManifestAsync(FileId file, CancellationToken cancellationToken)
    {
        var (_, raw) = await _channel.RequestAsync<ManifestReply>(new GetManifest(file), _options.RequestTimeout, cancellationToken);
        using (raw)
            return Manifest.ParseVerified(raw.Payload.Span, file, _options.Limits);
    }

    /// <summary>The pieces the peer holds now (null: all).</summary>
    public async Task<PieceSet?> GetHaveAsync(FileId file, CancellationToken cancellationToken)
    {
        var (reply, raw) = await _channel.RequestAsync<HaveMap>(new GetHave(file), _options.RequestTimeout, cancellationToken);
        raw.Dispose();
        return reply.Have;
    }

    /// <summary>
    /// The pieces the peer holds now (null: all), and from then on <paramref name="gained"/> hears of each
    /// piece of the file's <paramref name="pieces"/> it verifies (called on the read loop: keep it short).
    /// A peer that does not know <c>watch</c> answers the map alone.
    /// </summary>
    public async Task<PieceSet?> WatchHaveAsync(FileId file, int pieces, Action<int> gained, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _watch, new Watched(file, pieces, gained));
        var (reply, raw) = await _channel.RequestAsync<HaveMap>(new GetHave(file) { Watch = true }, _options.RequestTimeout, cancellationToken);
        raw.Dispose();
        return reply.Have;
    }

    /// <summary>
    /// Asks for one piece. The reply's payload is the piece (unverified); the caller disposes it.
    /// A not-found answer throws <see cref="RemoteErrorException"/> with code <c>not_found</c>.
    /// </summary>
    public Task<Incoming> GetPieceAsync(FileId file, int piece, CancellationToken cancellationToken) =>
        GetPieceAsync(file, piece, mayDefer: false, cancellationToken);

    /// <summary>
    /// As <see cref="GetPieceAsync(FileId, int, CancellationToken)"/>; with <paramref name="mayDefer"/> the peer
    /// may instead answer code <c>elsewhere</c> (it sent the piece to another fetcher moments ago).
    /// </summary>
    public async Task<Incoming> GetPieceAsync(FileId file, int piece, bool mayDefer, CancellationToken cancellationToken)
    {
        var (reply, raw) = await _channel.RequestAsync<PieceReply>(new GetPiece(file, piece) { MayDefer = mayDefer }, _options.RequestTimeout, cancellationToken);
        if (reply.File != file || reply.Piece != piece)
        {
            raw.Dispose();
            throw new ProtocolException($"asked for piece {piece} of {file.ShortText}, got piece {reply.Piece} of {reply.File.ShortText}");
        }
        return raw;
    }

    private sealed record Watched(FileId File, int Pieces, Action<int> Gained);

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _readLoop;
    }
}
