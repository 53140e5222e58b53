using P2PShare.Protocol.Text;
using System.Globalization;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>The words for a folder download: its start and its summary.</summary>
public static class FolderText
{
    /// <summary>Failed files named in a summary; the rest are counted.</summary>
    public const int FailuresListed = 10;

    /// <summary>"Downloading folder 'photos/' (40 files, 12.3 MB) into …".</summary>
    public static string Starting(FolderDownload folder, string? into)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return $"Downloading folder '{TerminalText.Escape(folder.Folder)}' ({Report.Plural(folder.FileCount, "file")}, {Units.Bytes(folder.Length)}){(into is null ? "" : $" into {into}")}, {FolderDownload.FilesAtOnce} files at a time.";
    }

    /// <summary>
    /// How a folder download ended: files fetched, already present, failed (each failure with its
    /// reason, the first <see cref="FailuresListed"/>) and stopped; <paramref name="toContinue"/> says
    /// how to pick up a folder that did not finish.
    /// </summary>
    public static string Summary(FolderResult r, string toContinue)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(toContinue);
        string folder = TerminalText.Escape(r.Folder);
        string rate = Units.Rate(r.Elapsed.TotalSeconds > 0 ? r.BytesReceived / r.Elapsed.TotalSeconds : 0);
        var failed = r.Failed.ToList();
        var parts = new List<string> { $"{r.Fetched} fetched", $"{r.AlreadyPresent} already present" };
        if (failed.Count > 0)
            parts.Add($"{failed.Count} failed");
        if (r.Stopped > 0)
            parts.Add($"{r.Stopped} stopped");
        string head = r.Outcome switch
        {
            DownloadOutcome.Completed => $"Folder '{folder}' complete",
            DownloadOutcome.Stopped => $"Stopped folder '{folder}'",
            _ => $"Folder '{folder}' incomplete",
        };
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{head}: {Report.Plural(r.Files.Count, "file")}, {string.Join(", ", parts)} ({Units.Bytes(r.BytesReceived)} in {Units.Duration(r.Elapsed)}, {rate})");
        line += r.Outcome == DownloadOutcome.Completed ? "." : $"; {toContinue}.";
        var lines = new List<string> { line };
        foreach (var file in failed.Take(FailuresListed))
            lines.Add($"  {TerminalText.Escape(file.Name)}: {Reason(file)}");
        if (failed.Count > FailuresListed)
            lines.Add($"  and {Report.Plural(failed.Count - FailuresListed, "more failed file")}.");
        return string.Join(Environment.NewLine, lines);
    }

    private static string Reason(FolderFileResult file) =>
        file.Failure is { } failure ? FailureText.Of(failure)
        : file.Result?.Failure is { } download ? DownloadText.Failure(download, "the same command again continues it")
        : "it did not finish";
}
