using P2PShare.Peer.Outcomes;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Network;

/// <summary>The notices for announce entries the tracker refused.</summary>
public static class RefusalNotices
{
    /// <summary>Refusals sharing a reason beyond this many are told in one notice, not one each.</summary>
    public const int NamedOneByOne = 3;

    /// <summary>
    /// One notice per refused file the tracker named (with our name for it: <paramref name="sent"/>
    /// is the announce it answers), except that more than <see cref="NamedOneByOne"/> with one reason
    /// make one notice with a few examples (a stranger announcing 25,000 files got a hundred lines);
    /// then one for those it only counted; none when all were taken.
    /// </summary>
    public static IReadOnlyList<PeerNotice> From(Ok reply, IReadOnlyList<FileEntry> sent)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(sent);
        var listed = reply.Refusals ?? [];
        var notices = new List<PeerNotice>();
        foreach (var byReason in listed.GroupBy(r => r.Reason, StringComparer.Ordinal))
        {
            var named = byReason.Select(r => (Refusal: r, Name: OurName(r, sent))).ToList();
            if (named.Count > NamedOneByOne)
                notices.Add(new FilesRefused(named.Count, [.. named.Take(NamedOneByOne).Select(n => n.Name ?? n.Refusal.File.ShortText)], byReason.Key));
            else
                notices.AddRange(named.Select(n => new FileRefused(n.Name, n.Refusal.File, n.Refusal.Reason)));
        }
        int unlisted = reply.RefusedCount - listed.Count;
        if (unlisted > 0)
            notices.Add(new MoreFilesRefused(unlisted));
        return notices;
    }

    // The index is the tracker's word; the id confirms it points at the file we meant.
    private static string? OurName(AnnounceRefusal refusal, IReadOnlyList<FileEntry> sent) =>
        refusal.Index < sent.Count && sent[refusal.Index].Id == refusal.File ? sent[refusal.Index].Name : null;
}
