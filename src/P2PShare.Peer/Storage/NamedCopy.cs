using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Another name of content the repository holds (<c>a/empty.txt</c> and <c>b/empty.txt</c>, or two
/// copies of one photo): a file of its own on disk, shared under its own name, its pieces served from
/// the held file. The repository is keyed by content, so this is what keeps the second name.
/// </summary>
/// <param name="Name">Its relative name.</param>
/// <param name="Path">Where it is (absolute).</param>
/// <param name="Id">The content it has.</param>
public sealed record NamedCopy(string Name, string Path, FileId Id);
