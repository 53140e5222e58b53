using System.Diagnostics;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>
/// The current rate of each download, from the progress snapshots it is shown: bytes gained over
/// the last <see cref="Window"/>, not since the start. A run's average keeps showing a healthy rate
/// (and a shrinking ETA) long after the last piece came; this one falls to zero and says "stalled".
/// </summary>
public sealed class ProgressRates
{
    /// <summary>How far back the rate looks.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    /// <summary>No verified byte for this long, and the download is called stalled.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(3);

    private readonly Func<TimeSpan> _now;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, History> _downloads = new(StringComparer.Ordinal);

    /// <summary>Rates on the real clock.</summary>
    public ProgressRates()
        : this(Stopwatch.StartNew()) { }

    /// <summary>Rates on <paramref name="now"/> (tests step it by hand).</summary>
    public ProgressRates(Func<TimeSpan> now) => _now = now ?? throw new ArgumentNullException(nameof(now));

    private ProgressRates(Stopwatch clock) => _now = () => clock.Elapsed;

    /// <summary>Records <paramref name="progress"/> and returns the rate now.</summary>
    public RateEstimate Observe(DownloadProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var now = _now();
        lock (_gate)
        {
            if (!_downloads.TryGetValue(progress.Name, out var history) || progress.BytesReceived < history.LastBytes)
            {
                // First sight (or a new run of the same name): the run's own clock says how long it has gone without a byte.
                history = new History(now, progress.BytesReceived, progress.BytesReceived == 0 ? now - progress.Elapsed : now);
                _downloads[progress.Name] = history;
            }
            if (progress.BytesReceived != history.LastBytes)
            {
                history.LastBytes = progress.BytesReceived;
                history.LastGain = now;
            }
            history.Samples.Enqueue((now, progress.BytesReceived));
            while (history.Samples.Count > 2 && now - history.Samples.ElementAt(1).At >= Window)
                history.Samples.Dequeue();

            var (oldestAt, oldestBytes) = history.Samples.Peek();
            var span = now - oldestAt;
            double rate = span >= TimeSpan.FromSeconds(1)
                ? (progress.BytesReceived - oldestBytes) / span.TotalSeconds
                : progress.BytesPerSecond; // too little history yet: the run's average is all there is
            var quiet = now - history.LastGain;
            bool done = progress.TotalPieces > 0 && progress.VerifiedPieces >= progress.TotalPieces;
            if (quiet >= StallAfter && !done)
                return new RateEstimate(0, quiet);
            return new RateEstimate(rate, null);
        }
    }

    /// <summary>Forgets downloads no longer in <paramref name="names"/>.</summary>
    public void RetainOnly(IEnumerable<string> names)
    {
        var keep = names.ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var gone in _downloads.Keys.Where(n => !keep.Contains(n)).ToList())
                _downloads.Remove(gone);
        }
    }

    private sealed class History(TimeSpan firstSeen, long bytes, TimeSpan lastGain)
    {
        public Queue<(TimeSpan At, long Bytes)> Samples { get; } = new([(firstSeen, bytes)]);

        public long LastBytes { get; set; } = bytes;

        public TimeSpan LastGain { get; set; } = lastGain;
    }
}
