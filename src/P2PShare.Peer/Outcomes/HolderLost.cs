using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Outcomes;

/// <summary>The connection to a holder was lost through no known fault of its own; it is dialled again.</summary>
/// <param name="File">The file's name.</param>
/// <param name="Peer">The holder.</param>
/// <param name="Drop">How the connection ended.</param>
public sealed record HolderLost(string File, HolderAddress Peer, HolderDrop Drop) : PeerNotice;
