using P2PShare.Peer.Outcomes;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer;

/// <summary>Finds the one file a <c>request</c> means among the tracker's entries: by name, or by the start of its id.</summary>
internal static class FileLookup
{
    /// <summary>True when <paramref name="text"/> could be the start of an id (at least 6 hex digits).</summary>
    public static bool LooksLikeId(string text) => text.Length >= 6 && text.All(Uri.IsHexDigit);

    /// <summary>
    /// The entries of the one file meant, the shape most holders claim first. Throws
    /// <see cref="PeerCommandException"/> when none matches, or several ids share the name (the user's choice).
    /// An id <paramref name="onlyOurs"/> says no peer but us holds is no rival to one another peer
    /// holds complete: it is most often the old content of a file its holder edited while we fetched
    /// it (our partial copy keeps it listed), or our own copy changed on disk since we fetched it.
    /// </summary>
    public static List<NetworkFile> Resolve(string nameOrId, IReadOnlyList<NetworkFile> files, Func<NetworkFile, bool>? onlyOurs = null)
    {
        var byName = files.Where(f => f.Name == nameOrId).ToList();
        if (byName.Count == 0 && LooksLikeId(nameOrId))
            byName = files.Where(f => f.Id.ToString().StartsWith(nameOrId.ToLowerInvariant(), StringComparison.Ordinal)).ToList();
        if (byName.Count == 0 && nameOrId.Length is > 0 and < 6 && nameOrId.All(Uri.IsHexDigit))
            throw new PeerCommandException(new FileNotFound(nameOrId, IdTooShort: true));
        // One id listed in several shapes is one file: some holder lies about its length, and the manifest will say which.
        var byId = byName.GroupBy(f => f.Id)
            .Select(g => g.OrderByDescending(f => f.CompleteHolders).ThenByDescending(f => f.CompleteHolders + f.PartialHolders).ToList())
            .ToList();
        if (byId.Count > 1 && onlyOurs is not null && byId.Any(g => g[0].CompleteHolders > 0 && !onlyOurs(g[0])))
            byId = [.. byId.Where(g => !onlyOurs(g[0]))];
        return byId.Count switch
        {
            1 => byId[0],
            0 => throw new PeerCommandException(new FileNotFound(nameOrId, IdTooShort: false)),
            _ => throw new PeerCommandException(new AmbiguousName(nameOrId, byId.Select(g => g[0]).ToList())),
        };
    }
}
