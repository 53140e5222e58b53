using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>
/// The requests of a <see cref="PieceServer"/>'s greeted fetchers: manifests, piece maps (and watches
/// on them), cancels, and pieces, the last served by a loop of their own, in order, so the read loop
/// can read ahead and act on cancels. One per server, shared by its connections.
/// </summary>
internal sealed class FetcherRequests(IPieceSource source, RecentSends recent, HaveWatchers watchers, ILogger logger)
{
    private readonly IPieceSource _source = source;
    private readonly RecentSends _recent = recent;
    private readonly HaveWatchers _watchers = watchers;
    private readonly ILogger _logger = logger;
    private long _piecesServed;

    /// <summary>Pieces served since start (counted as each starts being sent; one cut off mid-send still counts).</summary>
    public long PiecesServed => Interlocked.Read(ref _piecesServed);

    /// <summary>
    /// Answers the fetcher on <paramref name="connection"/> until its connection ends. Once <paramref name="leaving"/>
    /// is cancelled it takes no more requests, finishes the piece being sent, says <c>bye</c> and half-closes: the fetcher
    /// reads that piece whole, then the goodbye, and asks others for the rest; this returns when it closes its side.
    /// </summary>
    public async Task ServeAsync(ServedConnection connection, TimeSpan idleTimeout, CancellationToken leaving, CancellationToken cancellationToken)
    {
        var channel = connection.Channel;
        using var queue = new ServeQueue();
        var serving = ServeQueuedAsync(connection, queue, leaving, cancellationToken);
        try
        {
            using (leaving.Register(queue.Complete)) // what is still queued is skipped: the fetcher asks elsewhere
                await channel.RunAsync((incoming, ct) => HandleAsync(channel, queue, incoming, leaving, ct), idleTimeout, cancellationToken);
        }
        finally
        {
            queue.Complete();
            channel.Close(); // the pieces still queued are for a fetcher that is gone
            await serving;
            _recent.Left(connection.Fetcher);
        }
    }

    // Pieces are served by their own loop, in order, so the read loop can read ahead and act on cancels.
    private async Task ServeQueuedAsync(ServedConnection connection, ServeQueue queue, CancellationToken leaving, CancellationToken cancellationToken)
    {
        var channel = connection.Channel;
        try
        {
            await queue.RunAsync((incoming, ct) => leaving.IsCancellationRequested
                ? Task.CompletedTask
                : ServePieceAsync(channel, connection.ZeroCopy, (GetPiece)incoming.Message, connection.Fetcher, ct), cancellationToken);
            if (leaving.IsCancellationRequested)
            {
                // After the last piece, in order: the fetcher knows this peer left on purpose, not a fault to redial.
                await channel.SendAsync(new Bye(), default, cancellationToken);
                ShutDownSending(connection.Transport);
            }
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            if (!cancellationToken.IsCancellationRequested && !channel.Closed.IsCancellationRequested && !leaving.IsCancellationRequested)
                PeerLog.ServeEnded(_logger, connection.Remote, e);
            channel.Close(); // a reply cut short: the read loop ends too
        }
    }

    // What was sent still arrives, then the end. Besides, a socket closed while its read is pending is
    // reset unless its sending side was shut first, and a reset throws away what is still in it.
    private static void ShutDownSending(Socket transport)
    {
        try
        {
            transport.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing left to deliver.
        }
    }

    private async Task HandleAsync(MessageChannel channel, ServeQueue queue, Incoming incoming, CancellationToken leaving, CancellationToken cancellationToken)
    {
        if (leaving.IsCancellationRequested)
        {
            incoming.Dispose(); // read only so the fetcher's close is seen; nothing is answered any more
            return;
        }
        if (incoming.Message is GetPiece)
        {
            try
            {
                await queue.EnqueueAsync(incoming, cancellationToken); // the queue owns it now
            }
            catch (ChannelClosedException) when (leaving.IsCancellationRequested)
            {
                // Leaving began meanwhile; the queue has released the request.
            }
            return;
        }
        using (incoming)
        {
            var message = incoming.Message;
            switch (message)
            {
                case CancelRequest cancel:
                    if (queue.Cancel(cancel.Request))
                        PeerLog.ServeCancelled(_logger, cancel.Request);
                    break;
                case GetManifest request:
                    if (_source.FindManifest(request.File) is { } manifest)
                        await channel.ReplyAsync(request, new ManifestReply(request.File), manifest.ToBytes(), cancellationToken);
                    else
                        await channel.ReplyAsync(request, NotFound($"no file {request.File.ShortText} here"), default, cancellationToken);
                    break;
                case GetHave request:
                    if (request.Watch)
                        _watchers.Watch(channel, request.File); // before the map is made, so no piece verified meanwhile is missed
                    if (_source.FindPieces(request.File) is { } pieces)
                        await channel.ReplyAsync(request, new HaveMap(request.File, pieces.Count, pieces), default, cancellationToken);
                    else
                        await channel.ReplyAsync(request, NotFound($"no file {request.File.ShortText} here"), default, cancellationToken);
                    break;
                case Bye:
                    channel.Close();
                    break;
                default:
                    if (message.RequestId != 0)
                        await channel.ReplyAsync(message, new ErrorReply(ErrorCodes.UnknownType, $"'{message.Type}' is not served by a peer"), default, cancellationToken);
                    break;
            }
        }
    }

    private async Task ServePieceAsync(MessageChannel channel, Socket? socket, GetPiece request, string fetcher, CancellationToken cancellationToken)
    {
        // Decided when the piece's turn comes, not on arrival, so it sees every send made meanwhile.
        if (!_recent.TryClaim(request.File, request.Piece, fetcher, request.MayDefer))
        {
            await channel.ReplyAsync(request, new ErrorReply(ErrorCodes.Elsewhere, $"piece {request.Piece} was just sent to another peer; get it there"), default, cancellationToken);
            return;
        }
        await using var answer = await _source.GetPieceAsync(request.File, request.Piece, cancellationToken);
        if (answer.Error is null)
            Interlocked.Increment(ref _piecesServed); // before the send: a fetcher holding the piece may read the count
        await answer.SendAsync(channel, socket, request, cancellationToken);
        if (answer.Error is null)
        {
            if (_logger.IsEnabled(LogLevel.Debug))
                PeerLog.PieceSent(_logger, request.Piece, request.File.ShortText, fetcher, request.MayDefer);
        }
        else
            _recent.Unclaim(request.File, request.Piece, fetcher);
    }

    private static ErrorReply NotFound(string text) => new(ErrorCodes.NotFound, text);
}
