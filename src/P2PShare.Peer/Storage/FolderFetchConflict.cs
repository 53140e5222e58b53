namespace P2PShare.Peer.Storage;

/// <summary>Why a folder fetch could not claim its folder: which folder another fetch holds, and how it lies to the one asked for.</summary>
/// <param name="Busy">The folder the other fetch holds (for <see cref="FolderFetchOverlap.Inside"/>, the folder asked for: the other lies somewhere inside it).</param>
/// <param name="How">How the two overlap.</param>
internal sealed record FolderFetchConflict(string Busy, FolderFetchOverlap How);
