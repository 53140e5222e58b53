using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>The files of one download in progress, in <c>.p2pshare/downloads</c>.</summary>
internal sealed record DownloadPaths(string Part, string State, string Manifest, string Lock)
{
    public const string LockExtension = ".lock";
    public const string PartExtension = ".part";
    public const string StateExtension = ".state";
    public const string ManifestExtension = ".manifest";

    public static DownloadPaths For(string directory, FileId id)
    {
        string stem = Path.Combine(directory, id.ToString());
        return new DownloadPaths(stem + PartExtension, stem + StateExtension, stem + ManifestExtension, stem + LockExtension);
    }

    /// <summary>
    /// Every file but the lock, in the order they are removed (state first, so a half-removed download
    /// is never loaded); the lock goes last, by its holder (<see cref="DownloadLock.Release"/>).
    /// </summary>
    public IEnumerable<string> All => [State, Manifest, Part];
}
