namespace P2PShare.Peer.Outcomes;

/// <summary>A command needs the tracker and no tracker has been joined yet.</summary>
public sealed record NotJoined : PeerFailure;
