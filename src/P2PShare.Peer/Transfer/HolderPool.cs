using P2PShare.Peer.Network;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// The holders of one download and which of them to dial next. At most <see cref="MaxOpen"/> are
/// connected or connecting at once (a tracker may list thousands); the rest wait their turn. A holder
/// lost to a connection fault is dialled again after a backoff (doubling, with jitter, reset once it
/// delivers a piece), at once when the tracker lists it again after having left it out (it restarted);
/// a holder that lied (a corrupt piece, a wrong manifest) is never dialled again; one that said it no
/// longer has the file is dialled again only once the tracker has left it out and then lists it again;
/// one that said bye, after the longest backoff or on such a listing (it may restart).
/// The "nobody connected" clock is not restarted by connections that end without delivering a piece,
/// so a holder that accepts and fails straight away, over and over, cannot keep a download alive. No I/O, no locking
/// and no clock: the download serializes the calls and passes the time.
/// </summary>
public sealed class HolderPool
{
    private readonly Dictionary<HolderAddress, Holder> _holders = [];
    private readonly List<Holder> _inOrder = []; // as first listed: the order failures are reported in
    private readonly PriorityQueue<(Holder Holder, int Version), (TimeSpan Due, long Order)> _due = new();
    private readonly TimeSpan _retryInitial;
    private readonly TimeSpan _retryMax;
    private readonly Random _random;
    private long _order;
    private TimeSpan? _idleFrom;      // when the current run of connections began with none connected
    private bool _deliveredSinceIdle; // a piece arrived since then: the idle time before it no longer counts

    /// <summary>An empty pool; <paramref name="now"/> starts the time with no holder connected.</summary>
    public HolderPool(int maxOpen, TimeSpan retryInitial, TimeSpan retryMax, Random random, TimeSpan now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOpen, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retryInitial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryMax, retryInitial);
        MaxOpen = maxOpen;
        _retryInitial = retryInitial;
        _retryMax = retryMax;
        _random = random ?? throw new ArgumentNullException(nameof(random));
        NoneConnectedSince = now;
    }

    /// <summary>Most holders connected or connecting at once.</summary>
    public int MaxOpen { get; }

    /// <summary>Holders known (banned ones included).</summary>
    public int Count => _holders.Count;

    /// <summary>Holders connected or being dialled.</summary>
    public int OpenCount { get; private set; }

    /// <summary>Holders connected (handshake done).</summary>
    public int ConnectedCount { get; private set; }

    /// <summary>
    /// Since when no holder has been connected, counting a connection that ended without delivering a
    /// piece as never made; null while one is connected.
    /// </summary>
    public TimeSpan? NoneConnectedSince { get; private set; }

    /// <summary>When the next waiting holder is due to be dialled; null when none waits.</summary>
    public TimeSpan? NextDue
    {
        get
        {
            DropStale();
            return _due.TryPeek(out _, out var key) ? key.Due : null;
        }
    }

    /// <summary>The holder's latest entry (its piece map as last listed); null if unknown.</summary>
    public HolderEntry? Entry(HolderAddress holder) => _holders.TryGetValue(holder, out var known) ? known.Entry : null;

    /// <summary>
    /// The tracker's current list (or the first one): new holders wait to be dialled at once, known
    /// ones get their fresh entry, and a waiting holder that had been left out of the previous list
    /// is due at once. Returns the new ones.
    /// </summary>
    public IReadOnlyList<HolderEntry> Listed(IEnumerable<HolderEntry> listed, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(listed);
        var seen = new HashSet<HolderAddress>();
        var added = new List<HolderEntry>();
        foreach (var entry in listed)
        {
            var address = HolderAddress.Of(entry);
            if (!seen.Add(address))
                continue;
            if (!_holders.TryGetValue(address, out var holder))
            {
                holder = new Holder(entry) { Listed = true };
                _holders.Add(address, holder);
                _inOrder.Add(holder);
                Schedule(holder, now);
                added.Add(entry);
                continue;
            }
            holder.Entry = entry;
            if (!holder.Listed && holder.State is HolderState.Waiting or HolderState.Absent)
            {
                holder.State = HolderState.Waiting;
                Schedule(holder, now); // the tracker has it again: it is back (or has the file again), do not wait out the backoff
            }
            holder.Listed = true;
        }
        foreach (var holder in _inOrder)
            if (!seen.Contains(HolderAddress.Of(holder.Entry)))
                holder.Listed = false;
        return added;
    }

    /// <summary>
    /// The next holder to dial, if one is due by <paramref name="now"/> and fewer than
    /// <see cref="MaxOpen"/> are open; it counts as open from here on.
    /// </summary>
    public HolderEntry? TakeNext(TimeSpan now)
    {
        if (OpenCount >= MaxOpen)
            return null;
        DropStale();
        if (!_due.TryPeek(out var next, out var key) || key.Due > now)
            return null;
        _due.Dequeue();
        next.Holder.State = HolderState.Connecting;
        next.Holder.Version++;
        OpenCount++;
        return next.Holder.Entry;
    }

    /// <summary>The dial succeeded: the holder is connected.</summary>
    public void Connected(HolderAddress endpoint)
    {
        var holder = Get(endpoint);
        if (holder.State != HolderState.Connecting)
            throw new InvalidOperationException($"{endpoint} was not being dialled");
        holder.State = HolderState.Connected;
        holder.Reason = null;
        holder.HasLeft = false;
        if (ConnectedCount == 0)
        {
            _idleFrom = NoneConnectedSince;
            _deliveredSinceIdle = false;
        }
        ConnectedCount++;
        NoneConnectedSince = null;
    }

    /// <summary>The holder sent a verified piece: its next loss starts the backoff afresh.</summary>
    public void Delivered(HolderAddress endpoint)
    {
        Get(endpoint).Backoff = null;
        _deliveredSinceIdle = true;
    }

    /// <summary>
    /// The dial failed or the connection was lost (<paramref name="reason"/>): it is
    /// dialled again after the backoff. Returns the wait.
    /// </summary>
    public TimeSpan Lost(HolderAddress endpoint, HolderDrop reason, TimeSpan now)
    {
        var holder = Close(endpoint, now, reason);
        holder.Backoff ??= new ReconnectBackoff(_retryInitial, _retryMax, _random);
        var wait = holder.HasLeft ? _retryMax : holder.Backoff.Next(); // gone on purpose: no quick retries
        holder.State = HolderState.Waiting;
        Schedule(holder, now + wait);
        return wait;
    }

    /// <summary>The holder lied (<paramref name="reason"/>): it is never dialled again for this download.</summary>
    public void Ban(HolderAddress endpoint, HolderDrop reason, TimeSpan now) => Close(endpoint, now, reason).State = HolderState.Banned;

    /// <summary>
    /// The holder said it does not have the file (<paramref name="reason"/>): not dialled again unless
    /// the tracker leaves it out of a list and later lists it again (it announced the file anew).
    /// </summary>
    public void NotHolding(HolderAddress endpoint, HolderDrop reason, TimeSpan now)
    {
        var holder = Close(endpoint, now, reason);
        holder.State = HolderState.Absent;
        holder.Listed = true; // only a list without it, then one with it, brings it back: the tracker may not have heard yet
    }

    /// <summary>
    /// The holder said bye (<paramref name="reason"/>): it stopped serving on purpose. It is dialled again
    /// after the longest backoff, or at once when the tracker leaves it out and lists it again, in case it
    /// comes back (a restart); until it connects, dials that fail keep it as left (<see cref="HasLeft"/>).
    /// </summary>
    public void Left(HolderAddress endpoint, HolderDrop reason, TimeSpan now)
    {
        var holder = Close(endpoint, now, reason);
        holder.HasLeft = true;
        holder.State = HolderState.Waiting;
        Schedule(holder, now + _retryMax);
    }

    /// <summary>True while the holder has said bye and not connected since: its failed dials are no news.</summary>
    public bool HasLeft(HolderAddress endpoint) => Get(endpoint).HasLeft;

    /// <summary>The connection ended because the download did (complete or stopped).</summary>
    public void Finished(HolderAddress endpoint, TimeSpan now) => Close(endpoint, now, null).State = HolderState.Done;

    /// <summary>The holders not connected now that failed or were dropped since they last were, in the order first listed, with the latest reason.</summary>
    public IReadOnlyList<(HolderAddress Holder, HolderDrop Drop)> Failures() =>
        _inOrder.Where(h => h.Reason is not null && h.State != HolderState.Connected)
            .Select(h => (HolderAddress.Of(h.Entry), h.Reason!))
            .ToList();

    private Holder Close(HolderAddress endpoint, TimeSpan now, HolderDrop? reason)
    {
        var holder = Get(endpoint);
        if (holder.State is not (HolderState.Connecting or HolderState.Connected))
            throw new InvalidOperationException($"{endpoint} is not open");
        if (holder.State == HolderState.Connected && --ConnectedCount == 0)
            NoneConnectedSince = _deliveredSinceIdle ? now : _idleFrom ?? now;
        OpenCount--;
        // A dial cut short by the download's end keeps the failure before it; one that failed after a bye, the bye.
        if (!holder.HasLeft)
            holder.Reason = reason ?? holder.Reason;
        return holder;
    }

    private Holder Get(HolderAddress endpoint) =>
        _holders.TryGetValue(endpoint, out var holder) ? holder : throw new InvalidOperationException($"{endpoint} is not a holder of this download");

    private void Schedule(Holder holder, TimeSpan due)
    {
        holder.Version++;
        _due.Enqueue((holder, holder.Version), (due, _order++));
    }

    // Entries left behind by a holder that was rescheduled, dialled or banned since.
    private void DropStale()
    {
        while (_due.TryPeek(out var next, out _) && (next.Version != next.Holder.Version || next.Holder.State != HolderState.Waiting))
            _due.Dequeue();
    }

    private enum HolderState
    {
        Waiting,
        Connecting,
        Connected,
        Banned,
        Absent,
        Done,
    }

    private sealed class Holder(HolderEntry entry)
    {
        public HolderEntry Entry { get; set; } = entry;

        public HolderState State { get; set; } = HolderState.Waiting;

        public bool Listed { get; set; }

        public int Version { get; set; }

        public ReconnectBackoff? Backoff { get; set; }

        public HolderDrop? Reason { get; set; }

        public bool HasLeft { get; set; }
    }
}
