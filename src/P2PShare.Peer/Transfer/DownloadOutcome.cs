namespace P2PShare.Peer.Transfer;

/// <summary>How a download ended.</summary>
public enum DownloadOutcome
{
    /// <summary>Every piece verified and the file renamed to its final name.</summary>
    Completed,

    /// <summary>Stopped by the user; verified pieces are kept for a later request.</summary>
    Stopped,

    /// <summary>Could not finish (no reachable holder, missing pieces, disk error); verified pieces are kept.</summary>
    Failed,
}
