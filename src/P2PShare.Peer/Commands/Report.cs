using P2PShare.Protocol.Text;
using System.Globalization;
using System.Text;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Commands;

/// <summary>The text the peer shows for lists, progress and results.</summary>
public static class Report
{
    /// <summary>After <c>start</c> and <c>update</c>, the list shows at most this many rows; <c>list</c> shows them all.</summary>
    public const int ShortListRows = 50;

    /// <summary>
    /// The network's files as a table: name, size, complete and partial holders, short id, and
    /// whether we have it; folders with their totals. Files that share a name are marked, so the user requests one by its id.
    /// </summary>
    public static string FileList(IReadOnlyList<NetworkFile> files, Repository? local) => FileList(files, local, null, null);

    /// <summary>
    /// The table of <see cref="FileList(IReadOnlyList{NetworkFile}, Repository?)"/> as a tree of
    /// folders, of the files <paramref name="pattern"/> selects (a folder such as <c>photos/</c>, a glob
    /// such as <c>photos/*.jpg</c>, see <see cref="NamePattern"/>; no wildcard: names containing it),
    /// cut to <paramref name="maxRows"/> rows with a line saying how many more. Folders are opened while
    /// the rows fit (<paramref name="maxRows"/>, else <see cref="FileListText.TreeRows"/>); the rest show totals.
    /// </summary>
    public static string FileList(IReadOnlyList<NetworkFile> files, Repository? local, string? pattern, int? maxRows) =>
        FileListText.Render(files, local, pattern, maxRows);

    /// <summary>A one-line progress report: bar, percent, pieces, rate, peers, ETA, pieces from each peer.</summary>
    public static string Progress(DownloadProgress p) => Progress(p, withPeers: true);

    /// <summary>A one-line progress report; <paramref name="withPeers"/> adds how many pieces came from each peer.</summary>
    public static string Progress(DownloadProgress p, bool withPeers) => Progress(p, withPeers, null);

    /// <summary>
    /// A one-line progress report with the rate of the last seconds (<paramref name="rate"/>; null: the
    /// run's average). A stalled download says so instead of showing a rate and an ETA it does not have.
    /// </summary>
    public static string Progress(DownloadProgress p, bool withPeers, RateEstimate? rate)
    {
        ArgumentNullException.ThrowIfNull(p);
        string name = TerminalText.Escape(p.Name);
        if (p.TotalPieces == 0 && p.Length > 0 && p.Files is null)
            return $"{name}: connecting to its holders and fetching the manifest";
        string from = !withPeers || p.PiecesByPeer.Count == 0
            ? ""
            : "; pieces from " + string.Join(", ", p.PiecesByPeer.OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} ({kv.Value})")));
        from += Dropped(p.DroppedPeers);
        string head = string.Create(CultureInfo.InvariantCulture, $"{name} [{Bar(p.Percent, 20)}] {p.Percent,5:0.0}%  ")
            + (p.Files is { } files
                ? $"{files.Done}/{Plural(files.Total, "file")}  {Units.Bytes(files.VerifiedBytes)} of {Units.Bytes(p.Length)}  "
                : string.Create(CultureInfo.InvariantCulture, $"{p.VerifiedPieces}/{p.TotalPieces} pieces  "));
        if (rate?.StalledFor is { } quiet)
        {
            int missing = p.TotalPieces - p.VerifiedPieces;
            string stalled = p.ActivePeers == 0
                ? $"stalled: no reachable holder has the {Plural(missing, "missing piece")}"
                : $"stalled for {Units.Duration(quiet)} ({Plural(p.ActivePeers, "peer")} connected, none sending)";
            return head + stalled + from;
        }
        double bytesPerSecond = rate?.BytesPerSecond ?? p.BytesPerSecond;
        return head + string.Create(CultureInfo.InvariantCulture, $"{Units.Rate(bytesPerSecond)}  {Plural(p.ActivePeers, "peer")}  ETA {Eta(p, bytesPerSecond)}{from}");
    }

    /// <summary>"#####...............": <paramref name="percent"/> of <paramref name="width"/> cells filled.</summary>
    public static string Bar(double percent, int width)
    {
        int filled = (int)Math.Clamp(Math.Round(percent / 100 * width), 0, width);
        return new string('#', filled) + new string('.', width - filled);
    }

    /// <summary>Time left at the average rate so far; "?" before any piece has arrived.</summary>
    public static string Eta(DownloadProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return Eta(p, p.BytesPerSecond);
    }

    /// <summary>Time left at <paramref name="rate"/> bytes per second; "?" when nothing is arriving.</summary>
    public static string Eta(DownloadProgress p, double rate)
    {
        ArgumentNullException.ThrowIfNull(p);
        long remainingBytes = (long)(p.Length * (1 - p.DoneShare));
        return rate > 0 ? Units.Duration(TimeSpan.FromSeconds(remainingBytes / rate)) : "?";
    }

    /// <summary>Whole quarters done (0-4): where redirected output prints a plain progress line.</summary>
    public static int QuartersDone(DownloadProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.TotalPieces == 0 && p.Files is null ? 0 : (int)Math.Min(4, 4 * p.DoneShare);
    }

    /// <summary>How a download ended, naming the peers its pieces came from (the command loop's words).</summary>
    public static string Result(DownloadResult r) => Result(r, LoopContinue);

    // The command loop's way on; its failure reasons say it as "`request` again to continue".
    private const string LoopContinue = "`request` continues it";

    /// <summary>
    /// How a download ended; <paramref name="toContinue"/> says how to pick up a download that did not
    /// finish: "`request` continues it" in the command loop, "run the same command again" for <c>get</c>.
    /// </summary>
    public static string Result(DownloadResult r, string toContinue)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(toContinue);
        string name = TerminalText.Escape(r.Name);
        string from = r.PiecesByPeer.Count == 0
            ? ""
            : $" from {Plural(r.PiecesByPeer.Count, "peer")}: " + string.Join(", ", r.PiecesByPeer.OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal).Select(kv => $"{kv.Key} ({Plural(kv.Value, "piece")})"));
        string resumed = r.ResumedPieces > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({r.ResumedPieces} of {r.TotalPieces} pieces were already verified on disk)") : "";
        resumed += Damaged(r);
        // A completed download names only the liars: that a fellow downloader had already left when dialled is no news then.
        resumed += Dropped(r.Outcome == DownloadOutcome.Completed ? r.DroppedPeers.Where(kv => kv.Value.Banned).ToDictionary() : r.DroppedPeers);
        string reason = r.Failure is null ? "" : DownloadText.Failure(r.Failure, toContinue == LoopContinue ? DownloadText.RequestAgain : toContinue);
        int kept = r.ResumedPieces + r.PiecesByPeer.Values.Sum();
        return r.Outcome switch
        {
            DownloadOutcome.Completed when r.AlreadyHere =>
                $"Already have '{name}': {r.FinalPath} is complete and matches its manifest; nothing to download.",
            DownloadOutcome.Completed =>
                $"Downloaded '{name}' ({Units.Bytes(r.BytesReceived)} in {Units.Duration(r.Elapsed)}, {Units.Rate(r.Elapsed.TotalSeconds > 0 ? r.BytesReceived / r.Elapsed.TotalSeconds : 0)}){from}{resumed}. Saved as {r.FinalPath}",
            DownloadOutcome.Stopped when r.TotalPieces == 0 =>
                $"Stopped '{name}' before its first piece; {toContinue}.",
            DownloadOutcome.Stopped =>
                string.Create(CultureInfo.InvariantCulture, $"Stopped '{name}': {kept} of {Plural(r.TotalPieces, "piece")} verified and kept{(from.Length == 0 ? "" : $" ({from.TrimStart()} this run)")}; {toContinue}."),
            _ => $"Download of '{name}' failed{(from.Length == 0 ? "" : $" (pieces this run came{from})")}: {reason}.",
        };
    }

    // Pieces the state claimed but whose bytes had changed on disk: the user must know the disk lost data.
    private static string Damaged(DownloadResult r) => r.DamagedPieces == 0
        ? ""
        : string.Create(CultureInfo.InvariantCulture,
            $"; {(r.DamagedPieces == 1 ? "1 piece" : $"{r.DamagedPieces} pieces")} recorded as verified no longer matched and {(r.Outcome == DownloadOutcome.Completed ? "were fetched again" : "will be fetched again")}");

    /// <summary>Said at the start of a download that picks up verified pieces from an earlier run.</summary>
    public static string? Resuming(DownloadProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        int resumed = p.VerifiedPieces - p.PiecesByPeer.Values.Sum();
        return p.TotalPieces > 0 && resumed > 0
            ? string.Create(CultureInfo.InvariantCulture, $"Resuming '{TerminalText.Escape(p.Name)}': {resumed} of {p.TotalPieces} pieces already verified.")
            : null;
    }

    /// <summary>The line the user sees the moment a holder is dropped from a download.</summary>
    public static string PeerDropped(string file, string peer, string reason) =>
        $"Dropped peer {peer} for '{file}': {Sentence(reason)} It is not asked for this file again; other holders, if any, serve it.";

    /// <summary>The line the user sees when the connection to a holder is lost (not its fault as far as we know): it is dialled again.</summary>
    public static string PeerLost(string file, string peer, string reason) =>
        $"Lost peer {peer} for '{file}': {Sentence(reason)} Dialling it again in the background; the other holders serve its pieces meanwhile.";

    // A cause as the system words it may end in its own full stop ("Connection reset by peer."): one, not two.
    private static string Sentence(string reason) => reason.EndsWith('.') ? reason : reason + ".";

    // A tracker may list thousands of holders: name a few, count the rest.
    private const int DroppedListedAtMost = 5;

    private static string Dropped(IReadOnlyDictionary<HolderAddress, HolderDrop> dropped)
    {
        if (dropped.Count == 0)
            return "";
        string listed = string.Join(", ", dropped.OrderBy(kv => kv.Key.ToString(), StringComparer.Ordinal).Take(DroppedListedAtMost).Select(kv => $"{kv.Key} ({DownloadText.Drop(kv.Value)})"));
        return dropped.Count > DroppedListedAtMost
            ? string.Create(CultureInfo.InvariantCulture, $"; dropped {listed} and {dropped.Count - DroppedListedAtMost} more")
            : $"; dropped {listed}";
    }

    /// <summary>"1 peer", "2 peers".</summary>
    public static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");
}
