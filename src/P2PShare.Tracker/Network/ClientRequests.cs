using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Tracker.Registry;

namespace P2PShare.Tracker.Network;

/// <summary>
/// What the tracker does with each message one client sends on its read loop: the registry's
/// questions and answers. The connection itself (handshake, replies, closing) is its <see cref="ClientSession"/>'s.
/// </summary>
internal sealed class ClientRequests(ClientSession session, SessionContext context)
{
    private string Label => session.Label;

    /// <summary>Handles one message from the read loop; owns and disposes <paramref name="incoming"/>.</summary>
    public async Task HandleAsync(Incoming incoming, CancellationToken cancellationToken)
    {
        using (incoming)
        {
            switch (incoming.Message)
            {
                case Announce announce:
                    await HandleAnnounceAsync(announce, incoming.Sequence, cancellationToken);
                    break;
                case HavePiece have:
                    var marked = context.Registry.MarkPiece(session.Id, have.File, have.Piece);
                    if (marked is not (PieceMarkResult.Marked or PieceMarkResult.AlreadyHeld))
                        TrackerLog.HaveIgnored(context.Logger, Label, have.Piece, have.File.ShortText, marked.ToString());
                    break;
                case HaveSet haveSet:
                    var added = context.Registry.MarkPieces(session.Id, haveSet.File, haveSet.Have);
                    if (added is not (PieceMarkResult.Marked or PieceMarkResult.AlreadyHeld))
                        TrackerLog.HaveSetIgnored(context.Logger, Label, haveSet.Have.Present, haveSet.File.ShortText, added.ToString());
                    break;
                case ListFiles list:
                    await HandleListAsync(list, cancellationToken);
                    break;
                case WhoHas whoHas:
                    await session.ReplyAsync(whoHas,
                        (Message?)AsSeenByAsker(context.Registry.WhoHas(session.Id, whoHas.File, whoHas.Shape, context.Options.MaxReplyHeaderBytes))
                            ?? new ErrorReply(ErrorCodes.NotFound, whoHas.Shape is { } shape
                                ? $"no peer holds file {whoHas.File.ShortText} as {shape.Length} bytes in pieces of {shape.PieceLength}"
                                : $"no peer holds file {whoHas.File.ShortText}"),
                        cancellationToken);
                    break;
                case WhoHasMany many:
                    await session.ReplyAsync(many, AsSeenByAsker(context.Registry.WhoHasMany(session.Id, many.Files, context.Options.MaxReplyHeaderBytes)), cancellationToken);
                    break;
                case UpdateRequest update:
                    // Off the read loop: the wait for other peers must not stop this client answering
                    // the tracker's own refresh (two peers may update at once).
                    context.Background.Start(() => UpdateRound.RunAsync(session, update, context));
                    break;
                case Bye:
                    session.Close("it said goodbye");
                    break;
                case Hello hello when hello.RequestId != 0:
                    await session.ReplyAsync(hello, new ErrorReply(ErrorCodes.BadRequest, "this connection has already said hello"), cancellationToken);
                    break;
                case var other when other.RequestId != 0:
                    TrackerLog.UnknownRequest(context.Logger, Label, other.Type);
                    await session.ReplyAsync(other, new ErrorReply(ErrorCodes.UnknownType, $"the tracker does not answer '{other.Type}'"), cancellationToken);
                    break;
                case var other:
                    TrackerLog.Ignored(context.Logger, Label, other.Type);
                    break;
            }
        }
    }

    // A list that would not fit in a frame is paged, so no number of files (or any one client's) makes it fail.
    private async Task HandleListAsync(ListFiles list, CancellationToken cancellationToken)
    {
        if (list.Prefix is { } prefix && System.Text.Encoding.UTF8.GetByteCount(prefix) > ListFiles.MaxPrefixBytes)
        {
            await session.ReplyAsync(list, new ErrorReply(ErrorCodes.BadRequest, $"'prefix' is longer than any name ({ListFiles.MaxPrefixBytes} bytes)"), cancellationToken);
            return;
        }
        var page = context.Registry.ListPage(list.Name, list.Prefix, list.After, context.Options.MaxReplyHeaderBytes);
        if (page is null)
            TrackerLog.BadCursor(context.Logger, Label, list.After!);
        await session.ReplyAsync(list, (Message?)page ?? new ErrorReply(ErrorCodes.BadRequest, "'after' is not a cursor this tracker gave out; list again from the start"), cancellationToken);
    }

    // Refused entries do not fail the announce: the rest are shared, and the answer names what was refused.
    private async Task HandleAnnounceAsync(Announce announce, long sequence, CancellationToken cancellationToken)
    {
        // Read in order on this loop, so never older than one taken (null only in theory): answered as taken.
        var result = session.RecordAnnounce(announce, sequence) ?? new AnnounceResult(0, []);
        var listed = result.Rejections.Take(context.Options.MaxRefusalsListed).ToList();
        var reply = result.AllAccepted ? new Ok() : new Ok { Refusals = listed, RefusedCount = result.Rejections.Count };
        await session.ReplyAsync(announce, reply, cancellationToken);
    }

    // Holders on this machine given as the address this asker reached the tracker at (LoopbackHolders).
    private Holders? AsSeenByAsker(Holders? holders) =>
        holders is null || session.LocalEndPoint is not { } here ? holders : LoopbackHolders.AsSeenBy(holders, session.Remote.Address, here.Address);

    private HoldersMany AsSeenByAsker(HoldersMany found) =>
        session.LocalEndPoint is not { } here ? found : found with { Peers = LoopbackHolders.AsSeenBy(found.Peers, session.Remote.Address, here.Address) };
}
