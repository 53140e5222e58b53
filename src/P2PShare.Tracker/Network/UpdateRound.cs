using System.Net.Sockets;
using P2PShare.Protocol.Messages;

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
            var refreshes = others.Select(peer => peer.RefreshAsync(wait, context.Shutdown)).ToArray();
            try
            {
                // Each refresh bounds itself by the wait; this bound only guards against a stuck send.
                await Task.WhenAll(refreshes).WaitAsync(wait, context.Shutdown);
            }
            catch (TimeoutException)
            {
                // Answer with what came in; the stragglers log themselves.
            }
            int answered = refreshes.Count(r => r.IsCompletedSuccessfully && r.Result);
            var files = context.Registry.List();
            await asker.ReplyAsync(request, new FileList(files), context.Shutdown);
            TrackerLog.UpdateFinished(logger, asker.Label, answered, others.Count, files.Count);
        }
        catch (OperationCanceledException) when (context.Shutdown.IsCancellationRequested)
        {
            // Stopping: the asker is being disconnected anyway.
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or TimeoutException or OperationCanceledException)
        {
            TrackerLog.UpdateFailed(logger, asker.Label, e.Message);
        }
    }
}
