using System.Globalization;
using System.Text;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Commands;

/// <summary>The text the peer shows for lists, progress and results.</summary>
public static class Report
{
    /// <summary>
    /// The network's files as a table: name, size, complete and partial holders, short id, and
    /// whether we have it. Files that share a name are marked, so the user requests one by its id.
    /// </summary>
    public static string FileList(IReadOnlyList<NetworkFile> files, Repository? local)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
            return "No files in the network yet.";
        // A name is shared when it names different ids; one id listed in several sizes is one file some holder lies about.
        var duplicateNames = files.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Select(f => f.Id).Distinct().Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var contested = files.GroupBy(f => f.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var rows = files.OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Id.ToString(), StringComparer.Ordinal)
            .Select(f => (f.Name, Size: Units.Bytes(f.Length), Holders: Holders(f), Id: f.Id.ShortText,
                Note: Note(f, local, duplicateNames.Contains(f.Name), contested.Contains(f.Id))))
            .ToList();
        int nameWidth = Math.Min(40, Math.Max(4, rows.Max(r => r.Name.Length)));
        int holdersWidth = Math.Max(7, rows.Max(r => r.Holders.Length));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Files in the network ({files.Count}):");
        text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {"name".PadRight(nameWidth)}  {"size",10}  {"holders".PadRight(holdersWidth)}  id");
        foreach (var r in rows)
            text.AppendLine().Append(string.Create(CultureInfo.InvariantCulture, $"  {r.Name.PadRight(nameWidth)}  {r.Size,10}  {r.Holders.PadRight(holdersWidth)}  {r.Id}{r.Note}"));
        return text.ToString();
    }

    private static string Holders(NetworkFile f) => (f.CompleteHolders, f.PartialHolders) switch
    {
        (var c, 0) => string.Create(CultureInfo.InvariantCulture, $"{c} complete"),
        (0, var p) => string.Create(CultureInfo.InvariantCulture, $"{p} partial"),
        (var c, var p) => string.Create(CultureInfo.InvariantCulture, $"{c} complete, {p} partial"),
    };

    private static string Note(NetworkFile f, Repository? local, bool sharedName, bool contested)
    {
        var notes = new List<string>(2);
        if (local is not null && local.TryGet(f.Id, out var held) && held is not null)
            notes.Add(held.IsComplete ? "local" : string.Create(CultureInfo.InvariantCulture, $"local, {held.VerifiedCount}/{held.Manifest.PieceCount} pieces"));
        if (sharedName)
            notes.Add("same name as another file: request it by id");
        if (contested)
            notes.Add("holders disagree on its size: a download keeps the one its checked manifest gives");
        return notes.Count == 0 ? "" : "  [" + string.Join("; ", notes) + "]";
    }

    /// <summary>A one-line progress report: bar, percent, pieces, rate, peers, ETA, pieces from each peer.</summary>
    public static string Progress(DownloadProgress p) => Progress(p, withPeers: true);

    /// <summary>A one-line progress report; <paramref name="withPeers"/> adds how many pieces came from each peer.</summary>
    public static string Progress(DownloadProgress p, bool withPeers)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.TotalPieces == 0 && p.Length > 0)
            return $"{p.Name}: connecting to its holders and fetching the manifest";
        double rate = p.BytesPerSecond;
        string from = !withPeers || p.PiecesByPeer.Count == 0
            ? ""
            : "; pieces from " + string.Join(", ", p.PiecesByPeer.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} ({kv.Value})")));
        from += Dropped(p.DroppedPeers);
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.Name} [{Bar(p.Percent, 20)}] {p.Percent,5:0.0}%  {p.VerifiedPieces}/{p.TotalPieces} pieces  {Units.Rate(rate)}  {Plural(p.ActivePeers, "peer")}  ETA {Eta(p)}{from}");
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
        double rate = p.BytesPerSecond;
        long remainingBytes = p.TotalPieces == 0 ? 0 : (long)(p.Length * (1 - (double)p.VerifiedPieces / p.TotalPieces));
        return rate > 0 ? Units.Duration(TimeSpan.FromSeconds(remainingBytes / rate)) : "?";
    }

    /// <summary>Whole quarters done (0-4): where redirected output prints a plain progress line.</summary>
    public static int QuartersDone(DownloadProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.TotalPieces == 0 ? 0 : (int)(4L * p.VerifiedPieces / p.TotalPieces);
    }

    /// <summary>How a download ended, naming the peers its pieces came from.</summary>
    public static string Result(DownloadResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string from = r.PiecesByPeer.Count == 0
            ? ""
            : $" from {Plural(r.PiecesByPeer.Count, "peer")}: " + string.Join(", ", r.PiecesByPeer.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} ({Plural(kv.Value, "piece")})"));
        string resumed = r.ResumedPieces > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({r.ResumedPieces} of {r.TotalPieces} pieces were already verified on disk)") : "";
        resumed += Damaged(r);
        resumed += Dropped(r.DroppedPeers);
        return r.Outcome switch
        {
            DownloadOutcome.Completed when r.BytesReceived == 0 && r.PiecesByPeer.Count == 0 && r.Reason is not null =>
                $"Already have '{r.Name}': {r.FinalPath} is complete and matches its manifest; nothing to download.",
            DownloadOutcome.Completed =>
                $"Downloaded '{r.Name}' ({Units.Bytes(r.BytesReceived)} in {Units.Duration(r.Elapsed)}, {Units.Rate(r.Elapsed.TotalSeconds > 0 ? r.BytesReceived / r.Elapsed.TotalSeconds : 0)}){from}{resumed}. Saved as {r.FinalPath}",
            DownloadOutcome.Stopped =>
                string.Create(CultureInfo.InvariantCulture, $"Stopped '{r.Name}': {r.Reason}{from}."),
            _ => $"Download of '{r.Name}' failed: {r.Reason}{from}.",
        };
    }

    // Pieces the state claimed but whose bytes had changed on disk: the user must know the disk lost data.
    private static string Damaged(DownloadResult r) => r.DamagedPieces == 0
        ? ""
        : string.Create(CultureInfo.InvariantCulture,
            $"; {(r.DamagedPieces == 1 ? "1 piece" : $"{r.DamagedPieces} pieces")} recorded as verified no longer matched and {(r.Outcome == DownloadOutcome.Completed ? "were fetched again" : "will be fetched again")}");

    /// <summary>The line the user sees the moment a holder is dropped from a download.</summary>
    public static string PeerDropped(string file, string peer, string reason) =>
        $"Dropped peer {peer} for '{file}': {reason}. Its pieces are fetched from the other holders.";

    /// <summary>The line the user sees when the connection to a holder is lost (not its fault as far as we know): it is dialled again.</summary>
    public static string PeerLost(string file, string peer, string reason) =>
        $"Lost peer {peer} for '{file}': {reason}. Dialling it again in the background; the other holders serve its pieces meanwhile.";

    // A tracker may list thousands of holders: name a few, count the rest.
    private const int DroppedListedAtMost = 5;

    private static string Dropped(IReadOnlyDictionary<string, string> dropped)
    {
        if (dropped.Count == 0)
            return "";
        string listed = string.Join(", ", dropped.OrderBy(kv => kv.Key, StringComparer.Ordinal).Take(DroppedListedAtMost).Select(kv => $"{kv.Key} ({kv.Value})"));
        return dropped.Count > DroppedListedAtMost
            ? string.Create(CultureInfo.InvariantCulture, $"; dropped {listed} and {dropped.Count - DroppedListedAtMost} more")
            : $"; dropped {listed}";
    }

    /// <summary>"1 peer", "2 peers".</summary>
    public static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");
}
