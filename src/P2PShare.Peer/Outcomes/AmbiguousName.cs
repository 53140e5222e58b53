using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Outcomes;

/// <summary>Several different files go by the name asked for; the user picks one by its id.</summary>
/// <param name="Asked">The name as typed.</param>
/// <param name="Candidates">One entry per file (its most held shape), in the tracker's order.</param>
public sealed record AmbiguousName(string Asked, IReadOnlyList<NetworkFile> Candidates) : PeerFailure;
