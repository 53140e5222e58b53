using Microsoft.Extensions.Logging;
using P2PShare.Peer.Outcomes;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Network;

/// <summary>
/// Tells the user which announced files the tracker refused: one notice per refused file, then how many
/// more; the same refusals again (every announce repeats them) are not news.
/// </summary>
internal sealed class RefusalTeller(string endpoint, ILogger logger, Action<PeerNotice> tell)
{
    private readonly Lock _gate = new();
    private IReadOnlyList<PeerNotice> _last = [];

    /// <summary>Tells what <paramref name="reply"/> refused of the announce <paramref name="sent"/>, unless it was told last time.</summary>
    public void Tell(Ok reply, IReadOnlyList<FileEntry> sent)
    {
        var notices = RefusalNotices.From(reply, sent);
        lock (_gate)
        {
            if (notices.SequenceEqual(_last))
                return;
            _last = notices;
        }
        foreach (var notice in notices)
        {
            PeerLog.AnnounceRefused(logger, endpoint, notice.ToString());
            tell(notice);
        }
    }
}
