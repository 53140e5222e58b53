using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Outcomes;

/// <summary>The tracker lists the file but names no other peer that holds it.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Id">The file's id.</param>
/// <param name="AnyMore">The tracker knew nobody by the time we asked (it was listed a moment before).</param>
public sealed record NoHolder(string Name, FileId Id, bool AnyMore) : PeerFailure;
