namespace P2PShare.Peer.Outcomes;

/// <summary>The tracker would not list many of our files, all for one reason; the others are shared.</summary>
/// <param name="Count">How many it named with this reason.</param>
/// <param name="Examples">Our names for the first few of them.</param>
/// <param name="Reason">The tracker's reason.</param>
public sealed record FilesRefused(int Count, IReadOnlyList<string> Examples, string Reason) : PeerNotice;
