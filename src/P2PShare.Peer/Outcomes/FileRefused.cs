using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Outcomes;

/// <summary>The tracker would not list one of our files; the others are shared.</summary>
/// <param name="Name">Our name for it; null when the tracker's index did not point at the file it named.</param>
/// <param name="File">The file's id as the tracker named it.</param>
/// <param name="Reason">The tracker's reason.</param>
public sealed record FileRefused(string? Name, FileId File, string Reason) : PeerNotice;
