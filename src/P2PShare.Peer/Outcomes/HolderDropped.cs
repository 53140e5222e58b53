using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Outcomes;

/// <summary>A holder was dropped from a download for misbehaving; its pieces come from the others.</summary>
/// <param name="File">The file's name.</param>
/// <param name="Peer">The holder.</param>
/// <param name="Drop">What it did.</param>
public sealed record HolderDropped(string File, HolderAddress Peer, HolderDrop Drop) : PeerNotice;
