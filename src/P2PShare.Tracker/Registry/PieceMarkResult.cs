namespace P2PShare.Tracker.Registry;

/// <summary>What became of a <c>have</c> notice.</summary>
public enum PieceMarkResult
{
    /// <summary>The piece is now recorded as held.</summary>
    Marked,

    /// <summary>The piece was already recorded (or the holding is complete).</summary>
    AlreadyHeld,

    /// <summary>The client never announced that file; nothing changed.</summary>
    NotAnnounced,

    /// <summary>The piece index is outside the file; nothing changed.</summary>
    OutOfRange,

    /// <summary>The client is not (or no longer) joined; nothing changed.</summary>
    UnknownClient,
}
