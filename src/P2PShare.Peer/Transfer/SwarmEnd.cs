namespace P2PShare.Peer.Transfer;

/// <summary>Why the swarm stopped looking for pieces.</summary>
internal enum SwarmEnd
{
    /// <summary>Every piece is verified.</summary>
    Complete,

    /// <summary>No holder was connected, or gave a piece, for the holder wait.</summary>
    Unreachable,

    /// <summary>The connected holders had no missing piece to give for the stall timeout.</summary>
    Stalled,
}
