using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>
/// Says at the start of a download, not only in its result, that it picks up where an earlier run
/// stopped: "Resuming 'x': 120 of 400 pieces already verified." The count is known once the
/// manifest is in, so this looks until then (or until the download ends).
/// </summary>
public static class ResumeNotice
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Tells <paramref name="say"/> once the download's resumed pieces are known, if there are any.</summary>
    public static async Task WatchAsync(ActiveDownload download, Action<string> say)
    {
        ArgumentNullException.ThrowIfNull(download);
        ArgumentNullException.ThrowIfNull(say);
        while (!download.Completion.IsCompleted)
        {
            var progress = download.Session.GetProgress();
            if (progress.TotalPieces > 0)
            {
                // A piece counts as verified a moment before it counts as received in this run, so one
                // snapshot can over-count by one: a second, a moment later, cannot be off the same way twice.
                if (Report.Resuming(progress) is not null)
                {
                    await Task.Delay(Poll / 2).ConfigureAwait(false);
                    var again = download.Session.GetProgress();
                    if (Resumed(again) < Resumed(progress))
                        progress = again;
                }
                if (Report.Resuming(progress) is { } line)
                    say(line);
                return;
            }
            // Completion never faults; the wait ends at the poll interval or when the download does.
            await Task.WhenAny(download.Completion, Task.Delay(Poll)).ConfigureAwait(false);
        }
    }

    private static int Resumed(DownloadProgress p) => p.VerifiedPieces - p.PiecesByPeer.Values.Sum();
}
