using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

// Stale downloads: the unfinished old content of a name whose new content is complete here.
public sealed partial class Repository
{
    /// <summary>
    /// The unfinished downloads saved as <paramref name="name"/> whose content is not
    /// <paramref name="current"/>: e.g. the old content of a file its holder edited mid-download.
    /// </summary>
    public IReadOnlyList<PartFile> UnfinishedUnder(string name, FileId current)
    {
        lock (_gate)
        {
            return [.. _files.Values.OfType<PartFile>()
                .Where(f => !f.IsComplete && f.Id != current && string.Equals(f.Name, name, StringComparison.Ordinal))];
        }
    }

    /// <summary>
    /// Forgets the unfinished download <paramref name="part"/> and deletes its files, verified pieces
    /// and all (its <paramref name="reason"/> is logged). The caller makes sure no session uses it.
    /// True if this call removed it.
    /// </summary>
    public bool DiscardUnfinished(PartFile part, string reason)
    {
        ArgumentNullException.ThrowIfNull(part);
        lock (_openGate)
        {
            lock (_gate)
            {
                if (_disposed || !_files.TryGetValue(part.Id, out var held) || !ReferenceEquals(held, part))
                    return false;
            }
            int verified = part.VerifiedCount;
            if (!part.Discard(onlyIfEmpty: false))
                return false;
            lock (_gate)
                _files.Remove(part.Id);
            StorageLog.DiscardedStale(_logger, part.Name, part.Id.ShortText, verified, part.Manifest.PieceCount, reason);
            return true;
        }
    }
}
