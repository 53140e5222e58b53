namespace P2PShare.Peer.Transfer;

/// <summary>Why a download stopped using a holder; it decides whether and when the holder is dialled again.</summary>
public enum HolderDropKind
{
    /// <summary>The dial or handshake failed: dialled again after a backoff.</summary>
    CouldNotConnect,

    /// <summary>The connection failed while asking for the manifest: dialled again after a backoff.</summary>
    NoManifest,

    /// <summary>Its manifest does not hash to the file id: never dialled again.</summary>
    InvalidManifest,

    /// <summary>It answered that it does not have the file: dialled again only once the tracker lists it anew.</summary>
    NotHolding,

    /// <summary>It had the file but answered that it no longer has it: as <see cref="NotHolding"/>.</summary>
    NoLongerHolding,

    /// <summary>It sent a piece that does not match the manifest: never dialled again.</summary>
    CorruptPiece,

    /// <summary>Several piece requests in a row timed out: dialled again after a backoff.</summary>
    StoppedAnswering,

    /// <summary>The connection failed (reset, closed, a protocol error): dialled again after a backoff.</summary>
    ConnectionLost,

    /// <summary>It said <c>bye</c> after its last replies (it stopped serving): dialled again only once the tracker lists it anew.</summary>
    Left,
}
