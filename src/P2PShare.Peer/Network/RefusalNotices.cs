using P2PShare.Peer.Outcomes;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Network;

/// <summary>The notices for announce entries the tracker refused.</summary>
public static class RefusalNotices
{
    /// <summary>
    /// One notice per refused file the tracker named (with our name for it: <paramref name="sent"/>
    /// is the announce it answers), then one for those it only counted; none when all were taken.
    /// </summary>
    public static IReadOnlyList<PeerNotice> From(Ok reply, IReadOnlyList<FileEntry> sent)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(sent);
        var listed = reply.Refusals ?? [];
        var notices = new List<PeerNotice>(listed.Count + 1);
        foreach (var refusal in listed)
        {
            // The index is the tracker's word; the id confirms it points at the file we meant.
            string? name = refusal.Index < sent.Count && sent[refusal.Index].Id == refusal.File ? sent[refusal.Index].Name : null;
            notices.Add(new FileRefused(name, refusal.File, refusal.Reason));
        }
        int unlisted = reply.RefusedCount - listed.Count;
        if (unlisted > 0)
            notices.Add(new MoreFilesRefused(unlisted));
        return notices;
    }
}
