using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Network;

/// <summary>
/// Tells the tracker about pieces verified while downloading, so other peers may fetch them from
/// us already: the first piece of a file makes it known with a full announce, later ones go in
/// batched <c>have_set</c> notices (<see cref="HaveNotices"/>).
/// </summary>
internal sealed class PieceAnnouncer : IDisposable
{
    private readonly TrackerSession _tracker;
    private readonly HaveNotices _haveNotices;
    private readonly Lock _gate = new();
    private readonly HashSet<FileId> _announced = [];

    public PieceAnnouncer(TrackerSession tracker, TimeSpan interval, Func<FileId, PieceSet?> currentPieces)
    {
        _tracker = tracker;
        _haveNotices = new HaveNotices(interval, currentPieces, SendHaveSetAsync);
    }

    /// <summary>A piece of <paramref name="file"/> was verified.</summary>
    public void Verified(FileId file, int piece)
    {
        if (_tracker.Client is null)
            return;
        bool first;
        lock (_gate)
            first = _announced.Add(file);
        if (first)
            _ = _tracker.AnnounceQuietlyAsync();
        else
            _haveNotices.Gained(file);
    }

    /// <summary>The download of <paramref name="file"/> ended: a new one starts with a full announce again.</summary>
    public void Forget(FileId file)
    {
        lock (_gate)
            _announced.Remove(file);
    }

    private Task SendHaveSetAsync(FileId file, PieceSet pieces) =>
        _tracker.Client is { } tracker ? tracker.SendHaveSetAsync(file, pieces) : Task.CompletedTask;

    public void Dispose() => _haveNotices.Dispose();
}
