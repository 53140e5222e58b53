namespace P2PShare.Peer.Outcomes;

/// <summary>The tracker refused more files than it named one by one.</summary>
/// <param name="Count">How many it only counted.</param>
public sealed record MoreFilesRefused(int Count) : PeerNotice;
