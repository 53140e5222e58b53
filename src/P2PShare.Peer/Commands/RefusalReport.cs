using P2PShare.Peer.Network;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Commands;

/// <summary>The lines a peer shows for announce entries the tracker refused.</summary>
public static class RefusalReport
{
    /// <summary>
    /// One line per refused file the tracker named (with our name for it: <paramref name="sent"/>
    /// is the announce it answers), then one for those it only counted; none when all were taken.
    /// </summary>
    public static IReadOnlyList<string> Lines(Ok reply, IReadOnlyList<FileEntry> sent) =>
        RefusalNotices.From(reply, sent).Select(NoticeText.Of).ToList();
}
