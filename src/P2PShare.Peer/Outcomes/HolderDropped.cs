namespace P2PShare.Peer.Outcomes;

/// <summary>A holder was dropped from a download for misbehaving; its pieces come from the others.</summary>
/// <param name="File">The file's name.</param>
/// <param name="Peer">The holder's HOST:PORT.</param>
/// <param name="Reason">What it did.</param>
public sealed record HolderDropped(string File, string Peer, string Reason) : PeerNotice;
