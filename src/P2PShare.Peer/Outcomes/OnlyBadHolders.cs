using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Outcomes;

/// <summary>Every holder the tracker names for a folder's file sent corrupt data earlier in the same folder fetch, so none is asked again.</summary>
/// <param name="Name">The file's name.</param>
/// <param name="Id">The file's id.</param>
/// <param name="Holders">The holders passed over, as <c>host:port</c>.</param>
public sealed record OnlyBadHolders(string Name, FileId Id, IReadOnlyList<string> Holders) : PeerFailure;
