using Microsoft.Extensions.Logging;
using P2PShare.Peer.Storage;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>
/// Answers the tracker's <c>refresh</c> requests on a <see cref="TrackerClient"/>'s connection: the folder is
/// rescanned (when the peer shares one), then our files are sent as the answer, under the client's announce
/// gate. Off the read loop, which must go on reading our replies meanwhile (an announce under way holds the
/// gate until its reply is read).
/// </summary>
internal sealed class RefreshAnswers(MessageChannel channel, SemaphoreSlim announceGate, Func<IReadOnlyList<FileEntry>> currentFiles,
    Func<CancellationToken, Task>? rescan, ILogger logger)
{
    /// <summary>How long a refresh waits for the folder's rescan: well within the tracker's wait for the answer (5 s by default); new big files still being hashed are reported next time.</summary>
    public static readonly TimeSpan RescanWait = TimeSpan.FromSeconds(2);

    /// <summary>Answers <paramref name="refresh"/> in the background.</summary>
    public void Answer(Refresh refresh, CancellationToken cancellationToken) => _ = Task.Run(async () =>
    {
        try
        {
            if (rescan is not null)
                await RescanAsync(rescan, cancellationToken);
            await AnswerAsync(refresh, cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // Closed and disposed meanwhile: nobody to answer.
        }
    }, CancellationToken.None);

    // A refresh answer is an announce too (the tracker keeps the last it reads), so it goes under the announce gate:
    // its snapshot is taken and sent between two announces, never taken before one and sent after it.
    private async Task AnswerAsync(Refresh refresh, CancellationToken cancellationToken)
    {
        try
        {
            await announceGate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return; // the connection closed meanwhile: the read loop reports that
        }
        try
        {
            var files = currentFiles();
            PeerLog.TrackerRefresh(logger, files.Count);
            await channel.ReplyAsync(refresh, new Announce(files), default, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            // The connection closed meanwhile: the read loop reports that.
        }
        finally
        {
            announceGate.Release();
        }
    }

    // Picks up files added to the folder (and forgets deleted ones) since the last scan, so a headless seeder shares them after anyone's `update`.
    private async Task RescanAsync(Func<CancellationToken, Task> rescanning, CancellationToken cancellationToken)
    {
        try
        {
            await rescanning(cancellationToken).WaitAsync(RescanWait, cancellationToken);
        }
        catch (TimeoutException)
        {
            PeerLog.RefreshRescanUnfinished(logger, $"still hashing after {RescanWait.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is StorageException or IOException or UnauthorizedAccessException)
        {
            PeerLog.RefreshRescanUnfinished(logger, e.Message);
        }
        catch (OperationCanceledException)
        {
            // The connection closed: there is no one to answer.
        }
    }
}
