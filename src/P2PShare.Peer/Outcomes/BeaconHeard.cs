namespace P2PShare.Peer.Outcomes;

/// <summary>While reconnecting, a tracker's beacon was heard at a new address, which is joined instead.</summary>
/// <param name="At">Where the beacon said the tracker is.</param>
public sealed record BeaconHeard(string At) : PeerNotice;
