namespace P2PShare.Peer.Transfer;

/// <summary>Why a download failed.</summary>
public enum DownloadFailureKind
{
    /// <summary>The tracker listed no holder.</summary>
    NoHolder,

    /// <summary>No holder could be reached within the holder wait, so no manifest came.</summary>
    NoManifestReachable,

    /// <summary>Every holder that answered sent a manifest that does not hash to the file id.</summary>
    NoValidManifest,

    /// <summary>Pieces are missing: no holder was reachable, or gave a piece, for the holder wait.</summary>
    HoldersUnreachable,

    /// <summary>Pieces are missing: the reachable holders had none of them for the stall timeout.</summary>
    PiecesUnavailable,

    /// <summary>Reading or writing the download on this disk failed (a full disk, a permission).</summary>
    Storage,
}
