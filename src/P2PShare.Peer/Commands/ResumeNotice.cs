using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>
/// Says at the start of a download, not only in its result, that it picks up where an earlier run
/// stopped: "Resuming 'x': 120 of 400 pieces already verified." The count is known once the
/// manifest is in, so this waits for that (or for the download's end), without polling: a `get` whose
/// holders were out of reach for its whole holder wait was woken ten times a second for nothing.
/// </summary>
public static class ResumeNotice
{
    private static readonly TimeSpan SecondLook = TimeSpan.FromMilliseconds(50);

    /// <summary>Tells <paramref name="say"/> once the download's resumed pieces are known, if there are any.</summary>
    /// <param name="download">The download to watch.</param>
    /// <param name="say">Where the line goes.</param>
    /// <param name="clock">Times the second look; the system clock unless a test brings its own.</param>
    public static async Task WatchAsync(ActiveDownload download, Action<string> say, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(download);
        ArgumentNullException.ThrowIfNull(say);
        // Completion never faults; Opened never completes for a download that ended without its manifest.
        // One that has ended already is told by its result line.
        await Task.WhenAny(download.Completion, download.Session.Opened).ConfigureAwait(false);
        if (download.Completion.IsCompleted || !download.Session.Opened.IsCompleted)
            return;
        var progress = download.Session.GetProgress();
        // A piece counts as verified a moment before it counts as received in this run, so one
        // snapshot can over-count by one: a second, a moment later, cannot be off the same way twice.
        if (Report.Resuming(progress) is not null)
        {
            await Task.Delay(SecondLook, clock ?? TimeProvider.System).ConfigureAwait(false);
            var again = download.Session.GetProgress();
            if (Resumed(again) < Resumed(progress))
                progress = again;
        }
        if (Report.Resuming(progress) is { } line)
            say(line);
    }

    private static int Resumed(DownloadProgress p) => p.VerifiedPieces - p.PiecesByPeer.Values.Sum();
}
