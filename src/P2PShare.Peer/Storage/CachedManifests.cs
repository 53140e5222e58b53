using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The repository's <see cref="ManifestCache"/> on disk (<c>.p2pshare/manifests</c>): loaded on first
/// use, saved after every change, safe to use from several threads (scans, adoption, completed downloads).
/// </summary>
internal sealed class CachedManifests(string path, ILogger logger)
{
    private readonly Lock _gate = new();
    private ManifestCache? _cache; // guarded by _gate

    /// <summary>Fills in the manifest of every file in <paramref name="found"/> whose stamp the cache knows; returns how many.</summary>
    public int FillIn(IEnumerable<ShareScan.Found> found)
    {
        int filled = 0;
        lock (_gate)
        {
            var cache = Loaded();
            foreach (var file in found)
            {
                file.Manifest = cache.Find(file.Name, file.Stamp);
                filled += file.Manifest is null ? 0 : 1;
            }
        }
        return filled;
    }

    /// <summary>Records exactly <paramref name="shared"/> (hashed files) and forgets every other name.</summary>
    public void KeepOnly(IReadOnlyCollection<ShareScan.Found> shared)
    {
        lock (_gate)
        {
            var cache = Loaded();
            foreach (var file in shared)
                cache.Set(file.Name, file.Stamp, file.Manifest ?? throw new ArgumentException($"'{file.Name}' has no manifest", nameof(shared)));
            cache.RetainOnly(shared.Select(f => f.Name).ToHashSet(StringComparer.Ordinal));
            cache.TrySave(path, logger);
        }
    }

    /// <summary>
    /// Records the manifest of the file <paramref name="name"/> as it is now (<paramref name="stamp"/>);
    /// one recorded already for that stamp is kept unless <paramref name="replace"/> (the same bytes,
    /// named by the network's piece length rather than ours).
    /// </summary>
    public void Remember(string name, FileStamp stamp, Manifest manifest, bool replace = false)
    {
        lock (_gate)
        {
            var cache = Loaded();
            if (replace || cache.Find(name, stamp) is null)
                cache.Set(name, stamp, manifest);
            cache.TrySave(path, logger);
        }
    }

    /// <summary>As <see cref="Remember(string, FileStamp, Manifest, bool)"/> for many files, saved once: a batch of a folder's small files costs one save, not one each.</summary>
    public void Remember(IReadOnlyList<(string Name, FileStamp Stamp, Manifest Manifest)> files)
    {
        if (files.Count == 0)
            return;
        lock (_gate)
        {
            var cache = Loaded();
            foreach (var (name, stamp, manifest) in files)
            {
                if (cache.Find(name, stamp) is null)
                    cache.Set(name, stamp, manifest);
            }
            cache.TrySave(path, logger);
        }
    }

    private ManifestCache Loaded() => _cache ??= ManifestCache.Load(path, logger);
}
