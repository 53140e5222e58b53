namespace P2PShare.Peer.Transfer;

/// <summary>How a folder download ended, file by file.</summary>
/// <param name="Folder">The folder as asked for, with its trailing '/'.</param>
/// <param name="Files">Every file listed under it, by name.</param>
/// <param name="Elapsed">How long the whole folder took.</param>
public sealed record FolderResult(string Folder, IReadOnlyList<FolderFileResult> Files, TimeSpan Elapsed)
{
    /// <summary>Files downloaded in this run.</summary>
    public int Fetched => Files.Count(f => f.IsComplete && f.Result is { AlreadyHere: false });

    /// <summary>Files that were complete and verified here before the run.</summary>
    public int AlreadyPresent => Files.Count(f => f.Result is { AlreadyHere: true, Outcome: DownloadOutcome.Completed });

    /// <summary>Files that failed (not stopped, not complete).</summary>
    public IEnumerable<FolderFileResult> Failed => Files.Where(f => !f.IsComplete && !f.IsStopped);

    /// <summary>Files stopped, or never started because the folder was stopped.</summary>
    public int Stopped => Files.Count(f => f.IsStopped);

    /// <summary>Verified bytes received in this run, all files together.</summary>
    public long BytesReceived => Files.Sum(f => f.Result?.BytesReceived ?? 0);

    /// <summary>Every file is complete and verified here.</summary>
    public bool IsComplete => Files.All(f => f.IsComplete);

    /// <summary>Stopped (by the user) before every file was done; none failed outright.</summary>
    public DownloadOutcome Outcome => IsComplete ? DownloadOutcome.Completed : Failed.Any() ? DownloadOutcome.Failed : DownloadOutcome.Stopped;
}
