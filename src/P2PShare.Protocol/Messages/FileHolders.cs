namespace P2PShare.Protocol.Messages;

/// <summary>A file a <see cref="WhoHasMany"/> asked for, and the indices in <see cref="HoldersMany.Peers"/> of its complete holders.</summary>
/// <param name="File">The file and shape asked for.</param>
/// <param name="Holders">Indices into the peer table, each once.</param>
public sealed record FileHolders(ShapedFile File, IReadOnlyList<int> Holders);
