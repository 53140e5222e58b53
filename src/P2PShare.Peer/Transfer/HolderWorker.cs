using System.Diagnostics;
using Microsoft.Extensions.Logging;
using P2PShare.Peer.Network;
using P2PShare.Peer.Storage;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// Fetches pieces from one connected holder: keeps its request window (<see cref="PeerDepth"/>) full
/// with pieces the shared <see cref="PieceBoard"/> picks, verifies and writes each reply, and says why
/// it stopped. The connection belongs to the swarm, which closes it after the worker returns.
/// </summary>
internal sealed class HolderWorker
{
    private static readonly TimeSpan HaveRefreshInterval = TimeSpan.FromSeconds(2);

    private readonly PeerLink _link;
    private readonly HolderAddress _holder;
    private readonly string _holderText; // for the log, made once
    private readonly PieceBoard _board;
    private readonly HolderSwarm _swarm;
    private readonly FileId _file;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly PeerDepth _depth;
    private readonly TimeSpan _elsewhereDeferral;
    private readonly List<(int Piece, Task<Incoming> Reply, CancellationTokenSource Cancel, bool MayDefer)> _outstanding = [];
    private readonly Stopwatch _sinceHaveRefresh = Stopwatch.StartNew();

    public HolderWorker(PeerLink link, HolderAddress holder, PieceBoard board, HolderSwarm swarm, int maxInFlight, TimeSpan elsewhereDeferral, ILogger logger)
    {
        _link = link;
        _holder = holder;
        _holderText = holder.ToString();
        _board = board;
        _swarm = swarm;
        _file = board.File.Id;
        _name = board.File.Name;
        _logger = logger;
        _depth = new PeerDepth(maxInFlight);
        _elsewhereDeferral = elsewhereDeferral;
    }

    /// <summary>
    /// Fetches until the file is complete, the download stops (<paramref name="cancellationToken"/>),
    /// or the holder fails; null when the download ended, else why the holder is dropped.
    /// </summary>
    public async Task<HolderDrop?> RunAsync(CancellationToken cancellationToken)
    {
        var listed = _swarm.Entry(_holder)?.Have;
        if (!_board.Join(_holder, listed))
            return null;
        try
        {
            if (listed is not null)
            {
                // A downloader: its pieces as they come, not a second or more later through the tracker.
                int pieces = _board.File.Manifest.PieceCount;
                _board.Holds(_holder, await _link.WatchHaveAsync(_file, pieces, piece => _board.HoldsPiece(_holder, piece), cancellationToken));
                _sinceHaveRefresh.Restart();
            }
            return await FetchAsync(cancellationToken);
        }
        catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
        {
            return new HolderDrop(HolderDropKind.NoLongerHolding, e.Message); // a have map refused
        }
        catch (Exception e) when (HolderSwarm.IsConnectionFault(e))
        {
            return await ReceiveArrivedAsync()
                ?? (_link.SaidBye ? HolderDrop.SaidBye : new HolderDrop(HolderDropKind.ConnectionLost, e.Message));
        }
        finally
        {
            _board.Leave(_holder, _outstanding.Select(o => o.Piece));
            foreach (var (_, reply, cancel, _) in _outstanding)
                _ = DisposeWhenDoneAsync(reply, cancel); // they fail at once when the swarm closes the link
        }
    }

    private async Task<HolderDrop?> FetchAsync(CancellationToken cancellationToken)
    {
        int timeouts = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var changed = _swarm.Changed.Next; // taken before looking, so no change is missed
            TopUp(cancellationToken);
            if (_outstanding.Count == 0)
            {
                if (_board.IsComplete)
                    return null;
                if (_swarm.Entry(_holder) is { Have: not null } && _sinceHaveRefresh.Elapsed >= HaveRefreshInterval)
                {
                    // A partial holder may have gained pieces since we last looked.
                    await RefreshHaveAsync(cancellationToken);
                    continue;
                }
                // Nothing to ask it now; whether the download has stalled is the swarm's call, not this holder's.
                // In the end-game, looked at again when a piece in flight elsewhere becomes late.
                var wait = _board.UntilNextLate is { } late && late < HaveRefreshInterval ? late : HaveRefreshInterval;
                await ChangeSignal.WaitAsync(changed, wait, cancellationToken);
                continue;
            }

            // Once every piece is verified, nobody waits for a slow holder's queue: its replies are abandoned.
            var finished = await Task.WhenAny(_outstanding.Select(o => (Task)o.Reply).Append(_board.AllVerified));
            if (finished == _board.AllVerified)
                return null;
            int index = _outstanding.FindIndex(o => o.Reply == finished);
            var (piece, reply, cancel, mayDefer) = _outstanding[index];
            _outstanding.RemoveAt(index);
            _board.Answered(_holder, piece);
            using var disposeCancel = cancel;
            // Ask for the next piece before verifying and writing this one, so the holder never waits on our disk or hash.
            TopUp(cancellationToken);
            try
            {
                if (await ReceiveAsync(piece, reply) is { } drop)
                    return drop;
                timeouts = 0;
            }
            catch (RemoteErrorException e) when (e.Code == ErrorCodes.Elsewhere && !mayDefer)
            {
                // PROTOCOL.md §8.3: never to a request without defer. A server that does would be asked forever.
                return new HolderDrop(HolderDropKind.ConnectionLost, $"it answered 'elsewhere' for piece {piece}, which was asked without defer");
            }
            catch (RemoteErrorException e) when (e.Code == ErrorCodes.Elsewhere)
            {
                // The seeder sent it to another downloader moments ago: that one passes it on.
                PeerLog.PieceElsewhere(_logger, _holderText, piece, _name);
                _board.Elsewhere(_holder, piece, _elsewhereDeferral);
            }
            catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
            {
                PeerLog.PieceNotFound(_logger, _holderText, piece, _name);
                _board.Lacks(_holder, piece);
                // Lacking one piece is normal for a partial holder; lacking the whole file (deleted or changed
                // there) means it is no holder at all: its have map says which.
                if (await HasFileAsync(cancellationToken) is false)
                    return new HolderDrop(HolderDropKind.NoLongerHolding, e.Message);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // An end-game duplicate: the piece came verified from another holder first, and our request was cancelled on the wire.
                PeerLog.DuplicateCancelled(_logger, _holderText, piece, _name);
                _board.Release(_holder, piece);
            }
            catch (TimeoutException)
            {
                _board.Release(_holder, piece);
                if (++timeouts >= 3)
                    return new HolderDrop(HolderDropKind.StoppedAnswering);
            }
        }
    }

    // After the connection failed: the replies that arrived whole before it did are as good as any. A holder
    // that leaves sends its last pieces and then the end, and a request failing at the end can be seen
    // before the replies that came ahead of it.
    private async Task<HolderDrop?> ReceiveArrivedAsync()
    {
        if (_link.Closed.IsCancellationRequested)
        {
            // Closed: every outstanding reply has arrived or failed, and its task settles at once
            // (WhenAny only waits; the failures are the finally's to observe).
            await Task.WhenAny(Task.WhenAll(_outstanding.Select(o => o.Reply)));
        }
        try
        {
            for (int i = _outstanding.Count - 1; i >= 0; i--)
            {
                var (piece, reply, cancel, _) = _outstanding[i];
                if (!reply.IsCompletedSuccessfully)
                    continue;
                _outstanding.RemoveAt(i);
                _board.Answered(_holder, piece);
                using (cancel)
                {
                    if (await ReceiveAsync(piece, reply) is { } corrupt)
                        return corrupt;
                }
            }
        }
        catch (Exception e) when (HolderSwarm.IsConnectionFault(e))
        {
            // As in the fetch loop: the holder is dropped for the fault it already had.
        }
        return null;
    }

    // Verifies and writes one reply; a drop when the holder sent a corrupt piece.
    private async Task<HolderDrop?> ReceiveAsync(int piece, Task<Incoming> replyTask)
    {
        using var reply = await replyTask;
        _depth.Replied(reply.Payload.Length, _board.File.Manifest.PieceLength);
        var written = _board.Deliver(_holder, piece, reply.Payload.Span);
        if (written == PieceWriteResult.HashMismatch)
        {
            PeerLog.CorruptPiece(_logger, _holderText, piece, _name);
            return new HolderDrop(HolderDropKind.CorruptPiece, Piece: piece);
        }
        _swarm.Delivered(_holder);
        PeerLog.PieceReceived(_logger, piece, _name, _holderText);
        return null;
    }

    // Once the window says to refill, sends requests until it is full.
    private void TopUp(CancellationToken cancellationToken)
    {
        if (!_depth.ShouldRefill(_outstanding.Count))
            return;
        foreach (var (piece, rule) in _board.Pick(_holder, _depth.Depth - _outstanding.Count))
        {
            var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _board.Sent(_holder, piece, cancel);
            PeerLog.PieceRequested(_logger, _holderText, piece, _name, rule);
            bool mayDefer = rule.MayDefer();
            _outstanding.Add((piece, _link.GetPieceAsync(_file, piece, mayDefer, cancel.Token), cancel, mayDefer));
        }
    }

    private async Task RefreshHaveAsync(CancellationToken cancellationToken)
    {
        _board.Holds(_holder, await _link.GetHaveAsync(_file, cancellationToken));
        _sinceHaveRefresh.Restart();
    }

    // False when the holder answers that it does not have the file at all; otherwise its fresh piece map is the picker's.
    private async Task<bool> HasFileAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RefreshHaveAsync(cancellationToken);
            return true;
        }
        catch (RemoteErrorException e) when (e.Code == ErrorCodes.NotFound)
        {
            return false;
        }
    }

    private static async Task DisposeWhenDoneAsync(Task<Incoming> reply, CancellationTokenSource cancel)
    {
        try
        {
            (await reply).Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The link is closed; these requests failed as expected.
        }
        finally
        {
            cancel.Dispose();
        }
    }
}
