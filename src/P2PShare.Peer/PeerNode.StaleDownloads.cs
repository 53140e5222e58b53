using P2PShare.Peer.Outcomes;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer;

// A holder that edits a file while we fetch it leaves us the old content's unfinished download under
// the same name. It is no rival to the new content, and once that is complete here it is dropped.
public sealed partial class PeerNode
{
    // FileLookup's test for "only our own copy": held here in part with no complete holder anywhere, or
    // complete here with no holder but us (our copy changed on disk since; a stranger's damaged file
    // made `get NAME` call itself a second holder of a second file of that name).
    private bool OnlyOurs(NetworkFile listed) =>
        _repository is { } repository && repository.TryGet(listed.Id, out var held) && held is not null &&
        (held.IsComplete ? listed.CompleteHolders <= 1 && listed.PartialHolders == 0 : listed.CompleteHolders == 0);

    // `name` is complete here now as `current`: remove the unfinished downloads of other content under
    // that name that no peer holds complete (they could never finish, and announced they make the name
    // ambiguous). One another peer holds complete is a second file of that name, and is kept; so is
    // everything when the tracker cannot be asked. A notice says what was removed.
    private async Task DropStaleDownloadsAsync(string name, FileId current)
    {
        if (_repository is not { } repository)
            return;
        var stale = repository.UnfinishedUnder(name, current).Where(p => !_downloads.Has(p.Id)).ToList();
        if (stale.Count == 0)
            return;
        IReadOnlyList<NetworkFile> listed;
        try
        {
            listed = await _tracker.CallAsync(t => t.ListAsync(name, _leaving.Token), "list");
        }
        catch (Exception e) when (e is PeerCommandException or OperationCanceledException)
        {
            return;
        }
        foreach (var part in stale)
        {
            if (listed.Any(f => f.Id == part.Id && f.CompleteHolders > 0) || _downloads.Has(part.Id))
                continue;
            int verified = part.VerifiedCount;
            if (repository.DiscardUnfinished(part, $"'{name}' is complete here now as {current.ShortText}, and no peer holds this content complete"))
                Tell(new StaleDownloadDropped(name, part.Id, verified, part.Manifest.PieceCount, current));
        }
    }
}
