namespace P2PShare.Peer.Storage;

/// <summary>What <see cref="PartFile.WritePiece"/> did with a piece.</summary>
public enum PieceWriteResult
{
    /// <summary>The piece matched its hash and is now stored and recorded.</summary>
    Written,

    /// <summary>The piece was already held; nothing was written.</summary>
    AlreadyHad,

    /// <summary>The data does not match the manifest's hash for that piece; nothing was written.</summary>
    HashMismatch,
}
