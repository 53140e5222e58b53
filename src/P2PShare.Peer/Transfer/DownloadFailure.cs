using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Transfer;

/// <summary>Why a download failed, with what the user needs to act on it; the command loop words it.</summary>
/// <param name="Kind">What went wrong.</param>
public sealed record DownloadFailure(DownloadFailureKind Kind)
{
    /// <summary>The holders that failed or were dropped and are not connected now, in the order first listed, with why.</summary>
    public IReadOnlyList<(HolderAddress Holder, HolderDrop Drop)> Tried { get; init; } = [];

    /// <summary>Holders known (for <see cref="DownloadFailureKind.NoManifestReachable"/>) or connected (for <see cref="DownloadFailureKind.PiecesUnavailable"/>).</summary>
    public int Holders { get; init; }

    /// <summary>How long it waited before giving up: the holder wait or the stall timeout.</summary>
    public TimeSpan Waited { get; init; }

    /// <summary>The verified pieces when it gave up (the rest are missing); null before the manifest.</summary>
    public PieceSet? Verified { get; init; }

    /// <summary>For <see cref="DownloadFailureKind.Storage"/>: the name cannot be saved here as it is, so a rerun meets the same.</summary>
    public bool NameBlocked { get; init; }

    /// <summary>The storage error's message, for <see cref="DownloadFailureKind.Storage"/>.</summary>
    public string? Error { get; init; }

    /// <summary>The storage error was another process holding the download open.</summary>
    public bool InUseElsewhere { get; init; }

    /// <summary>The storage error was a full disk.</summary>
    public bool DiskFull { get; init; }

    /// <summary>Verified pieces kept on disk after a storage error; null when the download had not opened its file.</summary>
    public int? KeptPieces { get; init; }
}
