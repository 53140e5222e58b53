using P2PShare.Peer.Outcomes;

namespace P2PShare.Peer.Transfer;

/// <summary>How one file of a folder download ended.</summary>
/// <param name="Name">The file's name (its whole relative path).</param>
/// <param name="Length">Its length in bytes, as the tracker listed it.</param>
/// <param name="Result">The download's result; null when it never started.</param>
/// <param name="Failure">Why it could not start (no holder, an ambiguous name, the tracker lost); null if it started or was stopped first.</param>
public sealed record FolderFileResult(string Name, long Length, DownloadResult? Result, PeerFailure? Failure)
{
    /// <summary>Complete and verified here (fetched now or found already present).</summary>
    public bool IsComplete => Result?.Outcome == DownloadOutcome.Completed;

    /// <summary>Stopped by the user, or never started because the folder was stopped first.</summary>
    public bool IsStopped => Result?.Outcome == DownloadOutcome.Stopped || (Result is null && Failure is null);
}
