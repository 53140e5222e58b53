using P2PShare.Peer.Outcomes;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer;

// A folder's file whose holder deleted it while we fetched it stays listed under the folder, held by us
// alone (we announce our .part): asked for, it failed every rerun of the folder with "no other peer
// holds it", forever. It is not part of what the network offers, so a folder leaves it out.
public sealed partial class PeerNode
{
    // The entries of `listed` that another peer offers: every name whose every entry only we hold, in part,
    // is left out with a notice (its verified pieces stay where they are).
    private List<NetworkFile> Offered(List<NetworkFile> listed)
    {
        var leftOut = listed.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.All(OnlyPartHeld)).ToList();
        foreach (var name in leftOut)
        {
            var first = name.First();
            if (Repository.TryGet(first.Id, out var held) && held is not null)
                Tell(new OnlyPartHere(name.Key, first.Id, held.VerifiedCount, held.Manifest.PieceCount));
        }
        var names = leftOut.Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        return names.Count == 0 ? listed : [.. listed.Where(f => !names.Contains(f.Name))];
    }

    // OnlyOurs for content held here in part, and nobody else holding even a part of it (the tracker
    // counts our own partial copy among the partial holders).
    private bool OnlyPartHeld(NetworkFile listed) =>
        _repository is { } repository && repository.TryGet(listed.Id, out var held) && held is { IsComplete: false }
        && OnlyOurs(listed) && listed.PartialHolders <= 1;
}
