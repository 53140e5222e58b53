using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Registry;

// who_has_many: the complete holders of many files in one answer, under the lock once.
public sealed partial class FileRegistry
{
    /// <summary>Complete holders named per file in a <c>holders_many</c> at most: the oldest connections, as <c>who_has</c> lists them.</summary>
    public const int MaxHoldersPerFile = 50;

    /// <summary>
    /// For each of <paramref name="files"/>, in order, the clients other than <paramref name="askerId"/>
    /// that hold it complete in that shape and can serve it; as many files as fit in
    /// <paramref name="maxHeaderBytes"/> of header (at least one), so the asker asks again for the rest.
    /// </summary>
    public HoldersMany WhoHasMany(long askerId, IReadOnlyList<ShapedFile> files, int maxHeaderBytes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(files);
        var peers = new List<HolderEntry>();
        var indexOf = new Dictionary<long, int>();
        var answered = new List<FileHolders>(files.Count);
        int bytes = HoldersMany.HeadSizeBound;
        lock (_lock)
        {
            foreach (var file in files)
            {
                var holders = new List<long>();
                if (_files.TryGetValue(file.Id, out var shapes) && shapes.Find(r => r.Shape == file.Shape) is { } record)
                {
                    holders.AddRange(record.Holders
                        .Where(h => h.Key != askerId && h.Value.IsComplete && CanServe(_clients[h.Key], h.Value))
                        .Select(h => h.Key).Take(MaxHoldersPerFile));
                }
                var met = holders.Where(id => !indexOf.ContainsKey(id)).Select(id => (Id: id, Peer: new HolderEntry(_clients[id].ServingHost, _clients[id].ServingEndPoint.Port, null))).ToList();
                int size = HoldersMany.FileSizeBound(holders.Count) + met.Sum(m => HoldersMany.PeerSizeBound(m.Peer));
                if (bytes + size > maxHeaderBytes && answered.Count > 0)
                    break; // the asker asks again for this file and the rest
                bytes += size;
                foreach (var (id, peer) in met)
                {
                    indexOf[id] = peers.Count;
                    peers.Add(peer);
                }
                answered.Add(new FileHolders(file, holders.Select(id => indexOf[id]).ToList()));
            }
        }
        return new HoldersMany(peers, answered);
    }
}
