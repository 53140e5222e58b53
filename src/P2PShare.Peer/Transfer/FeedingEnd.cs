namespace P2PShare.Peer.Transfer;

/// <summary>Why a completed <c>get</c> stopped serving its file (<c>--seed-for</c>).</summary>
public enum FeedingEnd
{
    /// <summary>No other peer was fetching from us any more (for a quiet spell).</summary>
    OthersDone,

    /// <summary>The bound passed while others were still fetching.</summary>
    BoundReached,
}
