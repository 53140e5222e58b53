namespace P2PShare.Peer.Discovery;

/// <summary>Why a datagram that came back was not taken as a tracker's answer.</summary>
public enum IgnoreReason
{
    /// <summary>Not a well-formed answer to our request (garbage, another nonce, no tracker named); the detail says which.</summary>
    Unreadable,

    /// <summary>It speaks another discovery version (the detail).</summary>
    OtherVersion,

    /// <summary>We have a network secret and the tracker runs without one.</summary>
    TrackerWithoutSecret,

    /// <summary>We have a network secret and the tracker (the detail: its address) did not prove it.</summary>
    SecretNotProven,
}
