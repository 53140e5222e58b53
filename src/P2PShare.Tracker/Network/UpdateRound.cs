using System.Net.Sockets;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Tracker.Network;

/// <summary>
/// One <c>update</c>: refresh every other connected peer at once, wait until all have re-reported
/// or <see cref="TrackerOptions.UpdateWait"/> has passed, then answer the asker with the fresh list.
/// A silent peer costs at most the wait, and keeps what it reported before.
/// </summary>
internal static class UpdateRound
{
    public static async Task RunAsync(ClientSession asker, UpdateRequest request, SessionContext context)
    {
        var logger = context.Logger;
        var wait = context.Options.UpdateWait;
        try
        {
            var others = context.Clients.Except(asker);
            TrackerLog.UpdateStarted(logger, asker.Label, others.Count);
            // One deadline for the whole round, sends included: a silent or stuck peer costs at most the wait.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.Shutdown);
            deadline.CancelAfter(wait);
            var refreshes = others.Select(peer => peer.RefreshAsync(wait, deadline.Token, context.Shutdown)).ToArray();
            int answered = (await Task.WhenAll(refreshes)).Count(answeredInTime => answeredInTime);
            // The first page; the asker pages on with `list` (a fresh round per page would refresh everyone again).
            var page = context.Registry.ListPage(null, null, context.Options.MaxReplyHeaderBytes)!;
            await asker.ReplyAsync(request, page, context.Shutdown);
            TrackerLog.UpdateFinished(logger, asker.Label, answered, others.Count, page.Files.Count + (int)Math.Min(page.More, int.MaxValue));
        }
        catch (OperationCanceledException) when (context.Shutdown.IsCancellationRequested)
        {
            // Stopping: the asker is being disconnected anyway.
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            TrackerLog.UpdateFailed(logger, asker.Label, e.Message);
        }
    }
}
