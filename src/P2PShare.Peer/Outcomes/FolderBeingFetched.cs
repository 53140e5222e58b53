using P2PShare.Peer.Storage;

namespace P2PShare.Peer.Outcomes;

/// <summary>
/// Another fetch (of this peer, or of another process on the same folder) is fetching the folder asked
/// for, a folder around it, or one inside it: two at once would each fail the files the other holds.
/// </summary>
/// <param name="Asked">The folder asked for, with its trailing '/'.</param>
/// <param name="Busy">The folder the other fetch holds (for <see cref="FolderFetchOverlap.Inside"/>, <paramref name="Asked"/>).</param>
/// <param name="How">How the two overlap.</param>
/// <param name="Root">The repository both fetch into.</param>
public sealed record FolderBeingFetched(string Asked, string Busy, FolderFetchOverlap How, string Root) : PeerFailure;
