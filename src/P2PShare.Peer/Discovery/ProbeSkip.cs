namespace P2PShare.Peer.Discovery;

/// <summary>Why a method was not tried on an interface.</summary>
public enum ProbeSkip
{
    /// <summary>A tracker answered before the /24 sweep was due.</summary>
    TrackerFoundAlready,

    /// <summary>The sweep's bound on addresses asked (over every interface) was used up.</summary>
    SweepLimitReached,
}
