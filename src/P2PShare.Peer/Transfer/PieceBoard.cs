using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// The pieces of one download as its workers share them: the picker, the requests in flight (so an
/// end-game duplicate is cancelled once its piece is verified elsewhere) and what each holder gave.
/// Every member is safe to call from any worker.
/// </summary>
internal sealed class PieceBoard
{
    private readonly Lock _gate = new();
    private readonly PiecePicker _picker;
    private readonly Dictionary<(HolderAddress Holder, int Piece), CancellationTokenSource> _requests = [];
    private readonly Dictionary<HolderAddress, int> _piecesByPeer = [];
    private readonly TaskCompletionSource _allVerified = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChangeSignal _changed;
    private readonly Action<int> _verified;
    private int _inFlight;
    private int _activePeers;
    private long _bytesReceived;

    /// <summary>The board of <paramref name="file"/>; <paramref name="verified"/> hears of each piece verified here.</summary>
    public PieceBoard(PartFile file, ChangeSignal changed, Action<int> verified)
    {
        File = file;
        _changed = changed;
        _verified = verified;
        _picker = new PiecePicker(file.Snapshot(), new Random());
        if (_picker.IsComplete)
            _allVerified.TrySetResult();
    }

    /// <summary>The download's file.</summary>
    public PartFile File { get; }

    /// <summary>Completes once every piece is verified.</summary>
    public Task AllVerified => _allVerified.Task;

    /// <summary>Every piece is verified.</summary>
    public bool IsComplete => _allVerified.Task.IsCompleted;

    /// <summary>Holders being fetched from now.</summary>
    public int ActivePeers
    {
        get
        {
            lock (_gate)
                return _activePeers;
        }
    }

    /// <summary>Verified bytes received in this run.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Verified pieces from each holder in this run.</summary>
    public Dictionary<HolderAddress, int> PiecesByPeer()
    {
        lock (_gate)
            return new Dictionary<HolderAddress, int>(_piecesByPeer);
    }

    /// <summary>Requests are in flight, or a connected holder has a missing piece to give.</summary>
    public bool HasWork()
    {
        lock (_gate)
            return _inFlight > 0 || _picker.HasWorkForAny();
    }

    /// <summary>A worker starts on <paramref name="holder"/>, which holds <paramref name="have"/> (null: all). False when nothing is left to fetch.</summary>
    public bool Join(HolderAddress holder, PieceSet? have)
    {
        lock (_gate)
        {
            if (_picker.IsComplete)
                return false;
            _picker.AddPeer(holder, have);
            _activePeers++;
        }
        return true;
    }

    /// <summary>The worker on <paramref name="holder"/> ended with <paramref name="abandoned"/> requests unanswered: they are free to pick again.</summary>
    public void Leave(HolderAddress holder, IEnumerable<int> abandoned)
    {
        lock (_gate)
        {
            _picker.RemovePeer(holder);
            _activePeers--;
            foreach (int piece in abandoned)
            {
                _inFlight--;
                _requests.Remove((holder, piece));
            }
        }
        _changed.Raise();
    }

    /// <summary>The holder holds at least <paramref name="have"/> (null: every piece).</summary>
    public void Holds(HolderAddress holder, PieceSet? have)
    {
        lock (_gate)
            _picker.PeerHolds(holder, have);
    }

    /// <summary>The holder told us it verified <paramref name="piece"/>.</summary>
    public void HoldsPiece(HolderAddress holder, int piece)
    {
        lock (_gate)
            _picker.PeerHoldsPiece(holder, piece);
        _changed.Raise();
    }

    /// <summary>Up to <paramref name="count"/> pieces (each with the rule that chose it; only a seeder run may be answered <c>elsewhere</c>) to request from <paramref name="holder"/>, counted in flight until answered.</summary>
    public List<(int Piece, PickRule Rule)> Pick(HolderAddress holder, int count)
    {
        var picks = new List<(int, PickRule)>(Math.Max(0, count));
        lock (_gate)
        {
            while (picks.Count < count && _picker.Pick(holder, out PickRule rule) is int piece)
                picks.Add((piece, rule));
            _inFlight += picks.Count;
        }
        return picks;
    }

    /// <summary>After a pick that found nothing: how long until an end-game duplicate may be due (null: none will be).</summary>
    public TimeSpan? UntilNextLate
    {
        get
        {
            lock (_gate)
                return _picker.UntilNextLate;
        }
    }

    /// <summary>A request was sent: <paramref name="cancel"/> cancels it if another holder's copy is verified first.</summary>
    public void Sent(HolderAddress holder, int piece, CancellationTokenSource cancel)
    {
        lock (_gate)
            _requests[(holder, piece)] = cancel;
    }

    /// <summary>The request's answer arrived (or it failed): it is no longer in flight.</summary>
    public void Answered(HolderAddress holder, int piece)
    {
        lock (_gate)
        {
            _inFlight--;
            _requests.Remove((holder, piece));
        }
    }

    /// <summary>
    /// Writes <paramref name="piece"/> from <paramref name="holder"/> if it verifies, cancels the other
    /// holders' requests for it, and says how the write went (a mismatch frees the piece to pick again).
    /// </summary>
    public PieceWriteResult Deliver(HolderAddress holder, int piece, ReadOnlySpan<byte> data)
    {
        var written = File.WritePiece(piece, data);
        if (written == PieceWriteResult.HashMismatch)
        {
            Release(holder, piece);
            return written;
        }
        List<CancellationTokenSource> duplicates;
        lock (_gate)
        {
            duplicates = DuplicatesOf(_picker.Received(holder, piece), piece);
            if (_picker.IsComplete)
                _allVerified.TrySetResult();
            if (written == PieceWriteResult.Written)
            {
                _piecesByPeer[holder] = _piecesByPeer.GetValueOrDefault(holder) + 1;
                _bytesReceived += data.Length;
            }
        }
        _changed.Raise();
        CancelAll(duplicates);
        if (written == PieceWriteResult.Written)
            _verified(piece);
        return written;
    }

    /// <summary>The request for <paramref name="piece"/> came to nothing (cancelled, timed out, corrupt): another may pick it.</summary>
    public void Release(HolderAddress holder, int piece)
    {
        lock (_gate)
            _picker.Released(holder, piece);
        _changed.Raise();
    }

    /// <summary>The holder answered <c>elsewhere</c>: another downloader was just sent <paramref name="piece"/>, so it waits for that one's map.</summary>
    public void Elsewhere(HolderAddress holder, int piece, TimeSpan deferral)
    {
        lock (_gate)
            _picker.Elsewhere(holder, piece, deferral);
        _changed.Raise();
    }

    /// <summary>The holder answered that it lacks <paramref name="piece"/>: it is not asked for it again.</summary>
    public void Lacks(HolderAddress holder, int piece)
    {
        lock (_gate)
            _picker.PeerLacks(holder, piece);
        _changed.Raise();
    }

    // Called under _gate: the requests other holders still have in flight for a piece just verified.
    private List<CancellationTokenSource> DuplicatesOf(IReadOnlyList<HolderAddress> holders, int piece)
    {
        var found = new List<CancellationTokenSource>(holders.Count);
        foreach (var other in holders)
            if (_requests.TryGetValue((other, piece), out var cancel))
                found.Add(cancel);
        return found;
    }

    // Outside _gate: cancelling runs the requests' callbacks on this thread.
    private static void CancelAll(List<CancellationTokenSource> requests)
    {
        foreach (var request in requests)
        {
            try
            {
                request.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Its own copy arrived meanwhile and its worker is done with it.
            }
        }
    }
}
