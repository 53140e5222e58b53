using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>The files of one download in progress, in <c>.p2pshare/downloads</c>.</summary>
internal sealed record DownloadPaths(string Part, string State, string Manifest)
{
    public const string PartExtension = ".part";
    public const string StateExtension = ".state";
    public const string ManifestExtension = ".manifest";

    public static DownloadPaths For(string directory, FileId id)
    {
        string stem = Path.Combine(directory, id.ToString());
        return new DownloadPaths(stem + PartExtension, stem + StateExtension, stem + ManifestExtension);
    }

    /// <summary>Every file, in the order they are removed (state first, so a half-removed download is never loaded).</summary>
    public IEnumerable<string> All => [State, Manifest, Part];
}
