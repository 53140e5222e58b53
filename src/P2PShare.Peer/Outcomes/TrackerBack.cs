namespace P2PShare.Peer.Outcomes;

/// <summary>The tracker is reachable again and every file was reported to it afresh.</summary>
/// <param name="Tracker">The tracker's HOST:PORT now.</param>
/// <param name="FilesReported">How many files were re-reported.</param>
public sealed record TrackerBack(string Tracker, int FilesReported) : PeerNotice;
