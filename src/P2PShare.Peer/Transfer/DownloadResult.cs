namespace P2PShare.Peer.Transfer;

/// <summary>How a download ended.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Outcome">Completed, stopped by the user, or failed.</param>
/// <param name="FinalPath">Where the complete file is (null unless completed).</param>
/// <param name="PiecesByPeer">How many verified pieces came from each holder.</param>
/// <param name="ResumedPieces">Pieces already verified on disk when the download began.</param>
/// <param name="TotalPieces">Pieces in the file.</param>
/// <param name="BytesReceived">Verified bytes received in this run.</param>
/// <param name="Elapsed">How long this run took.</param>
/// <param name="Failure">Why it failed; null unless it failed.</param>
public sealed record DownloadResult(
    string Name,
    DownloadOutcome Outcome,
    string? FinalPath,
    IReadOnlyDictionary<HolderAddress, int> PiecesByPeer,
    int ResumedPieces,
    int TotalPieces,
    long BytesReceived,
    TimeSpan Elapsed,
    DownloadFailure? Failure)
{
    /// <summary>Holders dropped for this file (a corrupt piece, a lost connection, silence), with why.</summary>
    public IReadOnlyDictionary<HolderAddress, HolderDrop> DroppedPeers { get; init; } = new Dictionary<HolderAddress, HolderDrop>();

    /// <summary>The file was complete and verified here already: nothing was downloaded.</summary>
    public bool AlreadyHere { get; init; }

    /// <summary>Pieces the download's state recorded as verified whose bytes no longer matched the manifest when it was reopened: fetched again, and the user is told.</summary>
    public int DamagedPieces { get; init; }
}
