namespace P2PShare.Peer.Outcomes;

/// <summary>
/// News no command asked about (a holder dropped, the tracker lost or back, a file the tracker would
/// not list), as data: <c>Commands/NoticeText</c> puts it into words.
/// </summary>
public abstract record PeerNotice;
