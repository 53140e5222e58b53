using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// What the repository holds after a scan: the complete files found (keeping the objects of those
/// unchanged, so readers keep their handles), every download in progress a session may be using,
/// and the downloads on disk not loaded yet. Downloads whose file is complete already are discarded.
/// </summary>
internal static class ScanMerge
{
    /// <summary>
    /// The next table; <paramref name="loaded"/> is told of each download loaded from disk. A file with
    /// the same content as one found before it is held once, and its name goes to <paramref name="copies"/>:
    /// it is shared too (announced under its own name, served from the first).
    /// </summary>
    public static Dictionary<FileId, HeldFile> Next(IReadOnlyDictionary<FileId, HeldFile> current, IEnumerable<ShareScan.Found> shared,
        DownloadStore downloads, ILogger logger, Action<PartFile> loaded, out List<NamedCopy> copies)
    {
        var next = new Dictionary<FileId, HeldFile>();
        copies = [];
        foreach (var found in shared)
        {
            var manifest = found.Manifest ?? throw new ArgumentException($"'{found.Name}' has no manifest", nameof(shared));
            if (next.TryGetValue(manifest.Id, out var first))
            {
                StorageLog.DuplicateContent(logger, found.Name, first.Name);
                copies.Add(new NamedCopy(found.Name, found.Path, manifest.Id));
            }
            else if (current.TryGetValue(manifest.Id, out var known) && known is SharedFile same && same.Path == found.Path)
            {
                same.Trust(found.Stamp); // hashed (or cached) under this stamp to the same id: its pieces go out unhashed again
                next[manifest.Id] = known;
            }
            else
                next[manifest.Id] = new SharedFile(found.Name, found.Path, manifest, found.Stamp);
        }
        foreach (var live in current.Values.OfType<PartFile>().Where(f => !f.IsComplete && !next.ContainsKey(f.Id)))
            next[live.Id] = live; // a download in progress owned by a session stays as it is
        foreach (var id in downloads.ListIds().Where(id => !current.ContainsKey(id)))
        {
            if (next.TryGetValue(id, out var complete))
            {
                // The file is already complete here (e.g. a crash between the move and the state removal).
                StorageLog.StaleDownload(logger, complete.Name, id.ShortText);
                downloads.Discard(id);
            }
            else if (downloads.Load(id) is { } download)
            {
                loaded(download);
                next[id] = download;
            }
        }
        downloads.RemoveOrphans(current.Values.Concat(next.Values).OfType<PartFile>().Where(f => !f.IsComplete).Select(f => f.Id).ToHashSet());
        return next;
    }
}
