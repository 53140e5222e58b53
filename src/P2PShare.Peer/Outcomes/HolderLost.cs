namespace P2PShare.Peer.Outcomes;

/// <summary>The connection to a holder was lost through no known fault of its own; it is dialled again.</summary>
/// <param name="File">The file's name.</param>
/// <param name="Peer">The holder's HOST:PORT.</param>
/// <param name="Reason">How the connection ended.</param>
public sealed record HolderLost(string File, string Peer, string Reason) : PeerNotice;
