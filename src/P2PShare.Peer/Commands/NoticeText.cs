using P2PShare.Peer.Outcomes;

namespace P2PShare.Peer.Commands;

/// <summary>The line the user sees for news no command asked about.</summary>
public static class NoticeText
{
    /// <summary>A callback for <see cref="PeerNode.Notice"/> that writes each notice's line with <paramref name="write"/>.</summary>
    public static Action<PeerNotice> SayTo(Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return notice => write(Of(notice));
    }

    /// <summary>The line for <paramref name="notice"/>.</summary>
    public static string Of(PeerNotice notice) => notice switch
    {
        HolderDropped d => Report.PeerDropped(d.File, d.Peer.ToString(), DownloadText.Drop(d.Drop)),
        HolderLost l => Report.PeerLost(l.File, l.Peer.ToString(), DownloadText.Drop(l.Drop)),
        TrackerLost l => $"Lost the tracker at {l.Tracker}: {l.Reason}. Reconnecting by itself in the background; serving and downloads go on.",
        TrackerBack b => $"Reconnected to the tracker at {b.Tracker}; re-reported {Report.Plural(b.FilesReported, "file")}.",
        BeaconHeard h => $"Heard a tracker's beacon at {h.At}; joining it there.",
        FileRefused r => $"The tracker did not list {(r.Name is null ? "" : $"'{r.Name}' ")}({r.File.ShortText}): {r.Reason}. The other files are shared.",
        FilesRefused f => $"The tracker did not list {Report.Plural(f.Count, "file")} ({string.Join(", ", f.Examples.Select(n => $"'{n}'"))} and {f.Count - f.Examples.Count} more): {f.Reason}. The other files are shared.",
        MoreFilesRefused m => $"The tracker did not list {Report.Plural(m.Count, "more file")} either; the other files are shared.",
        StaleDownloadDropped d => $"Removed the unfinished download of an earlier '{d.Name}' ({d.Dropped.ShortText}, {d.Verified} of {d.Pieces} pieces): "
            + $"'{d.Name}' is complete here now as {d.Current.ShortText}, and no peer holds that earlier content complete.",
        OnlyPartHere o => $"{o.Name}: only this peer holds part of it ({o.Id.ShortText}, {o.Verified} of {o.Pieces} pieces, kept); nobody offers it any more, so the folder is fetched without it.",
        null => throw new ArgumentNullException(nameof(notice)),
        _ => notice.ToString(),
    };
}
