using System.Runtime.CompilerServices;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// Chooses which piece to ask which peer for. From a partial holder (another downloader): the rarest
/// missing piece it has that nobody is fetching yet, ties broken at random. From a full holder (a
/// seeder): only pieces no partial holder has, taken in runs (<see cref="SeederRuns"/>), so the
/// seeder sends each piece about once and the downloaders pass the rest among themselves. Only
/// once every missing piece is in flight (a real end-game), and only for a piece asked more than twice
/// the usual wait ago (a late one), is a piece asked from a second peer, so the last pieces never
/// wait on the slowest, and on-time ones are not sent twice. No I/O and no locking: the download
/// serializes calls.
/// </summary>
public sealed class PiecePicker
{
    private const int MaxEndGameCopies = 2; // requests in flight for one piece in the end-game

    /// <summary>
    /// How long a seeder may go on answering <c>elsewhere</c> for a piece before it is asked without
    /// <c>defer</c>: past the 8 s an honest server remembers a send, so only a server that will never send it is caught.
    /// </summary>
    public static readonly TimeSpan ElsewhereBound = TimeSpan.FromSeconds(12);

    private readonly PieceSet _verified;
    private readonly int[] _availability;
    private readonly int[] _inFlight;
    private readonly int[] _ties; // scratch for Choose
    private readonly Dictionary<HolderAddress, PeerPieces> _peers = [];
    private readonly Random _random;
    private readonly SeederRuns _runs;
    private readonly TimeProvider _clock;
    private long[]? _deferredUntil; // per piece: a seeder said "elsewhere", so no seeder is asked before this timestamp
    private readonly RequestAges _ages;
    private long[]? _elsewhereSince;  // per piece: when a seeder first answered "elsewhere" for it
    private long _now;              // the clock, read once per pick
    private int _fullPeers;   // peers holding every piece: a piece held by more than these is held by a partial holder
    private int _unrequested; // missing pieces with no request in flight: end-game waits for none

    /// <summary>A picker for a file of which <paramref name="verified"/> pieces are already held; <paramref name="clock"/> times deferrals (the system's by default).</summary>
    public PiecePicker(PieceSet verified, Random random, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(verified);
        _verified = verified.Clone();
        _availability = new int[verified.Count];
        _inFlight = new int[verified.Count];
        _ties = new int[verified.Count];
        _ages = new RequestAges(verified.Count);
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _runs = new SeederRuns(random);
        _unrequested = Remaining;
    }

    /// <summary>Pieces still missing.</summary>
    public int Remaining => _verified.Count - _verified.Present;

    /// <summary>True once every piece is verified.</summary>
    public bool IsComplete => _verified.IsComplete;

    /// <summary>Adds a peer holding <paramref name="have"/> (null: every piece).</summary>
    public void AddPeer(HolderAddress peer, PieceSet? have)
    {
        var pieces = have?.Clone() ?? PieceSet.Full(_verified.Count);
        if (!_peers.TryAdd(peer, new PeerPieces(pieces)))
            throw new InvalidOperationException($"peer {peer} is already known");
        foreach (int i in pieces.Indices())
            _availability[i]++;
        if (pieces.IsComplete)
            _fullPeers++;
    }

    /// <summary>Forgets a peer; its requests in flight become free to pick again.</summary>
    public void RemovePeer(HolderAddress peer)
    {
        if (!_peers.Remove(peer, out var state))
            return;
        foreach (int i in state.Pieces.Indices())
            _availability[i]--;
        if (state.Pieces.IsComplete)
            _fullPeers--;
        foreach (int i in state.Requested)
            EndRequest(i);
    }

    /// <summary>A peer holds at least <paramref name="have"/> (null: every piece); unknown peers are ignored.</summary>
    public void PeerHolds(HolderAddress peer, PieceSet? have)
    {
        if (!_peers.TryGetValue(peer, out var state))
            return;
        bool wasFull = state.Pieces.IsComplete;
        for (int i = 0; i < _verified.Count; i++)
            if ((have is null || have.Contains(i)) && state.Pieces.Add(i))
                _availability[i]++;
        if (!wasFull && state.Pieces.IsComplete)
            _fullPeers++;
    }

    /// <summary>A peer holds <paramref name="piece"/> (it told us it just verified it); unknown peers and pieces are ignored.</summary>
    public void PeerHoldsPiece(HolderAddress peer, int piece)
    {
        if (piece < 0 || piece >= _verified.Count || !_peers.TryGetValue(peer, out var state) || !state.Pieces.Add(piece))
            return;
        _availability[piece]++;
        if (state.Pieces.IsComplete)
            _fullPeers++;
    }

    /// <summary>True when some peer holds a missing piece we could still ask it for.</summary>
    public bool HasWorkForAny()
    {
        foreach (var peer in _peers.Keys)
            if (HasWorkFor(peer))
                return true;
        return false;
    }

    /// <summary>A peer said it lacks a piece we thought it had (answered not-found); frees the request.</summary>
    public void PeerLacks(HolderAddress peer, int piece)
    {
        Released(peer, piece);
        if (_peers.TryGetValue(peer, out var state) && state.Pieces.Contains(piece))
        {
            if (state.Pieces.IsComplete)
                _fullPeers--;
            state.Pieces.Remove(piece);
            _availability[piece]--;
        }
    }

    // True when the peer holds a missing piece we could still ask it for.
    private bool HasWorkFor(HolderAddress peer)
    {
        if (!_peers.TryGetValue(peer, out var state))
            return false;
        for (int i = 0; i < _verified.Count; i++)
            if (!_verified.Contains(i) && state.Pieces.Contains(i) && !state.Requested.Contains(i))
                return true;
        return false;
    }

    /// <summary>
    /// The next piece to request from <paramref name="peer"/>, marked in flight; null when there is
    /// nothing it can usefully fetch now.
    /// </summary>
    public int? Pick(HolderAddress peer) => Pick(peer, out bool _);

    /// <summary>
    /// As <see cref="Pick(HolderAddress)"/>; <paramref name="mayDefer"/> says whether a seeder may answer
    /// <c>elsewhere</c> (the piece is one of a seeder run; end-game picks must be served).
    /// </summary>
    public int? Pick(HolderAddress peer, out bool mayDefer)
    {
        int? piece = Pick(peer, out PickRule rule);
        mayDefer = piece is not null && rule.MayDefer();
        return piece;
    }

    /// <summary>As <see cref="Pick(HolderAddress)"/>; <paramref name="rule"/> says which rule chose the piece (see <see cref="PickRules.MayDefer"/>).</summary>
    public int? Pick(HolderAddress peer, out PickRule rule)
    {
        rule = PickRule.Rarest;
        if (!_peers.TryGetValue(peer, out var state))
            return null;
        _now = _clock.GetTimestamp();
        _ages.BeginPick();
        int best = state.Pieces.IsComplete ? _runs.Next(this, _verified.Count) : -1;
        if (best >= 0)
            rule = _elsewhereSince is null || _elsewhereSince[best] == 0 ? PickRule.Run
                : _now - _elsewhereSince[best] < (long)(ElsewhereBound.TotalSeconds * _clock.TimestampFrequency) ? PickRule.RunAgain
                : PickRule.RunInsist;
        // A seeder is not asked for what downloaders have, even with nothing in flight for us: every piece it
        // sent twice at N=7 it sent so, after it had sent each piece once, and with fresh piece maps the
        // downloaders pass those pieces on no slower (docs/BENCHMARKS.md, `lan`). Only end-game asks it again.
        if (best < 0 && (!state.Pieces.IsComplete || _fullPeers == _peers.Count))
            best = Choose(state, endGame: false);
        // End-game asks a second holder for one piece at a time, only once this holder has nothing in flight:
        // with fresh piece maps every missing piece was in flight while 5-7 % of the file was left, and
        // filling whole windows with duplicates then cost 1.04-1.05 copies received (docs/BENCHMARKS.md, `lan`).
        if (best < 0 && _unrequested == 0 && state.Requested.Count == 0)
        {
            best = Choose(state, endGame: true);
            rule = PickRule.EndGame;
        }
        if (best < 0)
            return null;
        _ages.Asked(best, _now, first: _inFlight[best] == 0);
        if (_inFlight[best]++ == 0)
            _unrequested--;
        state.Requested.Add(best);
        return best;
    }

    /// <summary>Whether a full holder may be asked for <paramref name="piece"/> outside end-game: missing, not in flight, and held by no partial holder.</summary>
    internal bool SeederOnly(int piece) =>
        !_verified.Contains(piece) && _inFlight[piece] == 0 && _availability[piece] <= _fullPeers && (_deferredUntil is null || _deferredUntil[piece] <= _now);

    /// <summary>
    /// A seeder answered <c>elsewhere</c>: it sent <paramref name="piece"/> to another downloader moments ago.
    /// The request is freed, and no seeder run takes the piece for <paramref name="deferral"/>, by when
    /// that downloader's piece map shows it (fallback and end-game picks may still ask a seeder).
    /// </summary>
    public void Elsewhere(HolderAddress peer, int piece, TimeSpan deferral)
    {
        Released(peer, piece);
        _deferredUntil ??= new long[_verified.Count];
        _elsewhereSince ??= new long[_verified.Count];
        long now = _clock.GetTimestamp();
        _deferredUntil[piece] = now + (long)(deferral.TotalSeconds * _clock.TimestampFrequency);
        if (_elsewhereSince[piece] == 0)
            _elsewhereSince[piece] = now;
    }

    // One pass collecting the pieces that share the best score, then one random draw among them:
    // uniform among ties like a reservoir, without a random draw per tied piece on every pick (with
    // thousands of equally rare pieces, a draw each was a visible share of CPU under the session lock).
    // Optimized at once: it runs a few thousand times per file, too few to leave tier 0 early.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Choose(PeerPieces state, bool endGame)
    {
        int count = _verified.Count;
        long bestScore = long.MaxValue;
        int ties = 0;
        for (int i = 0; i < count; i++)
        {
            long score = Score(state, i, endGame);
            if (score > bestScore || score == long.MaxValue)
                continue;
            if (score < bestScore)
            {
                bestScore = score;
                ties = 0;
            }
            _ties[ties++] = i;
        }
        return ties == 0 ? -1 : _ties[_random.Next(ties)];
    }

    // Rarest first; in end-game, the piece with the fewest copies already on the way. MaxValue: not a
    // candidate. Outside end-game a piece this peer requested is in flight, so the set lookup is skipped.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Score(PeerPieces state, int i, bool endGame)
    {
        if (_verified.Contains(i))
            return long.MaxValue;
        if (!endGame)
            return _inFlight[i] > 0 || !state.Pieces.Contains(i) ? long.MaxValue : _availability[i] + Deferred(i);
        // Only a late piece (RequestAges). At most one duplicate (at N=15 fifteen holders each taking one made
        // 1.10 copies received), unless that one is late too.
        if (!state.Pieces.Contains(i) || state.Requested.Contains(i) || !_ages.IsLate(i, _now, duplicated: _inFlight[i] >= MaxEndGameCopies))
            return long.MaxValue;
        return ((long)_inFlight[i] << 32) | (uint)_availability[i];
    }

    /// <summary>
    /// After a pick that found nothing: how long until a piece in flight becomes late enough for an end-game
    /// duplicate from that holder; null when none will (the caller then waits for a change).
    /// </summary>
    public TimeSpan? UntilNextLate =>
        _ages.NextLate == long.MaxValue ? null : _clock.GetElapsedTime(_clock.GetTimestamp(), Math.Max(_ages.NextLate, _clock.GetTimestamp()));

    // A piece a seeder just sent to another downloader comes last: it is on its way to one that will pass it on.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Deferred(int i) => _deferredUntil is not null && _deferredUntil[i] > _now ? 1L << 32 : 0;

    /// <summary>
    /// A verified copy of <paramref name="piece"/> arrived from <paramref name="peer"/>. Returns the
    /// other peers still fetching it (end-game duplicates worth cancelling).
    /// </summary>
    public IReadOnlyList<HolderAddress> Received(HolderAddress peer, int piece)
    {
        if (!_verified.Contains(piece) && _inFlight[piece] > 0)
        {
            _ages.Arrived(piece, _clock.GetTimestamp());
        }
        Released(peer, piece);
        if (_verified.Add(piece) && _inFlight[piece] == 0)
            _unrequested--;
        var duplicates = new List<HolderAddress>();
        foreach (var (name, state) in _peers)
            if (state.Requested.Contains(piece))
                duplicates.Add(name);
        return duplicates;
    }

    /// <summary>A request ended without a usable piece (error, timeout, cancel); the piece is free again.</summary>
    public void Released(HolderAddress peer, int piece)
    {
        if (_peers.TryGetValue(peer, out var state) && state.Requested.Remove(piece))
            EndRequest(piece);
    }

    private void EndRequest(int piece)
    {
        if (--_inFlight[piece] == 0 && !_verified.Contains(piece))
            _unrequested++;
    }

    private sealed class PeerPieces(PieceSet pieces)
    {
        public PieceSet Pieces { get; } = pieces;
        public HashSet<int> Requested { get; } = [];
    }
}
