using System.Globalization;
using System.Text;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Commands;

/// <summary>The text the peer shows for lists, progress and results.</summary>
public static class Report
{
    /// <summary>The network's files, one a line, with size, holders, short id and whether we have it.</summary>
    public static string FileList(IReadOnlyList<NetworkFile> files, Repository? local)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
            return "No files in the network yet.";
        var duplicateNames = files.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        int nameWidth = Math.Min(40, files.Max(f => f.Name.Length));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Files in the network ({files.Count}):");
        foreach (var f in files.OrderBy(f => f.Name, StringComparer.Ordinal).ThenBy(f => f.Id.ToString(), StringComparer.Ordinal))
        {
            string holders = f.PartialHolders == 0
                ? Plural(f.CompleteHolders, "holder")
                : $"{Plural(f.CompleteHolders, "holder")} + {f.PartialHolders} partial";
            string status = "";
            if (local is not null && local.TryGet(f.Id, out var held) && held is not null)
                status = held.IsComplete ? "  [local]" : string.Create(CultureInfo.InvariantCulture, $"  [local, {held.VerifiedCount}/{held.Manifest.PieceCount} pieces]");
            string same = duplicateNames.Contains(f.Name) ? "  (same name, different file)" : "";
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"  {f.Name.PadRight(nameWidth)}  {Units.Bytes(f.Length),10}  {holders,-22}  id {f.Id.ShortText}{status}{same}");
        }
        return text.ToString();
    }

    /// <summary>A one-line progress report: bar, percent, rate, peers, pieces from each.</summary>
    public static string Progress(DownloadProgress p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.TotalPieces == 0 && p.Length > 0)
            return $"{p.Name}: connecting to its holders and fetching the manifest";
        const int width = 20;
        int filled = (int)Math.Round(p.Percent / 100 * width);
        string bar = new string('#', filled) + new string('.', width - filled);
        double rate = p.BytesPerSecond;
        long remainingBytes = p.TotalPieces == 0 ? 0 : (long)(p.Length * (1 - (double)p.VerifiedPieces / p.TotalPieces));
        string eta = rate > 0 ? Units.Duration(TimeSpan.FromSeconds(remainingBytes / rate)) : "?";
        string from = p.PiecesByPeer.Count == 0 ? "" : "; pieces from " + string.Join(", ", p.PiecesByPeer.Select(kv => $"{kv.Key} ({kv.Value})"));
        from += Dropped(p.DroppedPeers);
        return string.Create(CultureInfo.InvariantCulture,
            $"{p.Name} [{bar}] {p.Percent,5:0.0}%  {p.VerifiedPieces}/{p.TotalPieces} pieces  {Units.Rate(rate)}  {Plural(p.ActivePeers, "peer")}  ETA {eta}{from}");
    }

    /// <summary>How a download ended, naming the peers its pieces came from.</summary>
    public static string Result(DownloadResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string from = r.PiecesByPeer.Count == 0
            ? ""
            : $" from {Plural(r.PiecesByPeer.Count, "peer")}: " + string.Join(", ", r.PiecesByPeer.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} ({Plural(kv.Value, "piece")})"));
        string resumed = r.ResumedPieces > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({r.ResumedPieces} of {r.TotalPieces} pieces were already verified on disk)") : "";
        resumed += Dropped(r.DroppedPeers);
        return r.Outcome switch
        {
            DownloadOutcome.Completed when r.BytesReceived == 0 && r.PiecesByPeer.Count == 0 && r.Reason is not null =>
                $"'{r.Name}' is already complete: {r.FinalPath}",
            DownloadOutcome.Completed =>
                $"Downloaded '{r.Name}' ({Units.Bytes(r.BytesReceived)} in {Units.Duration(r.Elapsed)}, {Units.Rate(r.Elapsed.TotalSeconds > 0 ? r.BytesReceived / r.Elapsed.TotalSeconds : 0)}){from}{resumed}. Saved as {r.FinalPath}",
            DownloadOutcome.Stopped =>
                string.Create(CultureInfo.InvariantCulture, $"Stopped '{r.Name}': {r.Reason}{from}."),
            _ => $"Download of '{r.Name}' failed: {r.Reason}{from}.",
        };
    }

    /// <summary>The line the user sees the moment a holder is dropped from a download.</summary>
    public static string PeerDropped(string file, string peer, string reason) =>
        $"Dropped peer {peer} for '{file}': {reason}. Its pieces are fetched from the other holders.";

    private static string Dropped(IReadOnlyDictionary<string, string> dropped) =>
        dropped.Count == 0 ? "" : "; dropped " + string.Join(", ", dropped.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} ({kv.Value})"));

    /// <summary>"1 peer", "2 peers".</summary>
    public static string Plural(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");
}
