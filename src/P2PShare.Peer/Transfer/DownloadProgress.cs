namespace P2PShare.Peer.Transfer;

/// <summary>A snapshot of a download under way.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="VerifiedPieces">Pieces verified so far (resumed ones included).</param>
/// <param name="TotalPieces">Pieces in the file.</param>
/// <param name="BytesReceived">Verified bytes received in this run.</param>
/// <param name="Elapsed">Time since this run began.</param>
/// <param name="ActivePeers">Peers being fetched from now.</param>
/// <param name="PiecesByPeer">Verified pieces from each peer in this run.</param>
public sealed record DownloadProgress(
    string Name,
    long Length,
    int VerifiedPieces,
    int TotalPieces,
    long BytesReceived,
    TimeSpan Elapsed,
    int ActivePeers,
    IReadOnlyDictionary<HolderAddress, int> PiecesByPeer)
{
    /// <summary>Holders dropped for this file (a corrupt piece, a lost connection, silence), with why.</summary>
    public IReadOnlyDictionary<HolderAddress, HolderDrop> DroppedPeers { get; init; } = new Dictionary<HolderAddress, HolderDrop>();

    /// <summary>For a whole folder (its name ends in '/'): its files done and bytes verified; null for one file.</summary>
    public FolderCount? Files { get; init; }

    /// <summary>Completion in percent (100 for an empty file).</summary>
    public double Percent => 100.0 * DoneShare;

    /// <summary>
    /// The share done, 0-1: of the bytes for a folder (its pieces range from a few bytes to a whole
    /// piece, so 300 small files of 304 once read 45 % beside 4 MiB of 94 MiB), of the pieces for a file.
    /// </summary>
    public double DoneShare => Files is { } files
        ? (Length == 0 ? (files.Total == 0 ? 1 : (double)files.Done / files.Total) : Math.Min(1, (double)files.VerifiedBytes / Length))
        : TotalPieces == 0 ? 1 : (double)VerifiedPieces / TotalPieces;

    /// <summary>Average rate of this run in bytes per second.</summary>
    public double BytesPerSecond => Elapsed.TotalSeconds > 0 ? BytesReceived / Elapsed.TotalSeconds : 0;
}
