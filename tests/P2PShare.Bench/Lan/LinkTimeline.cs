namespace P2PShare.Bench.Lan;

/// <summary>
/// A run's <see cref="LinkSample"/>s and what they say about its pace. While the seeder sends, every
/// piece it sends must reach N - 1 more downloaders over the N downloaders' uplinks, so to keep up
/// those must be busy (N - 1) / N × as much as the seeder's; what they fall short builds a backlog
/// that is still crossing them after the seeder's last piece.
/// </summary>
internal sealed class LinkTimeline(IReadOnlyList<LinkSample> samples, int downloaders)
{
    /// <summary>The seeder counts as sending while its uplink is at least this busy.</summary>
    private const double Sending = 0.5;

    public IReadOnlyList<LinkSample> Samples { get; } = samples;

    /// <summary>From the first to the last sample in which the seeder sent (null when it never did).</summary>
    public (double From, double To)? SeederSpan =>
        Samples.Any(s => s.SeederUp >= Sending)
            ? (Samples.First(s => s.SeederUp >= Sending).From, Samples.Last(s => s.SeederUp >= Sending).To)
            : null;

    /// <summary>Mean shares over the seeder's span: its uplink, the downloaders' uplinks and downlinks.</summary>
    public (double SeederUp, double DownloadersUp, double DownloadersDown) WhileSeederSent
    {
        get
        {
            if (SeederSpan is not { } span)
                return (0, 0, 0);
            var inside = Samples.Where(s => s.From >= span.From && s.To <= span.To).ToList();
            return (inside.Average(s => s.SeederUp), inside.Average(s => s.DownloadersUp), inside.Average(s => s.DownloadersDown));
        }
    }

    /// <summary>How busy the downloaders' uplinks had to be to pass on what the seeder sent as fast as it sent it.</summary>
    public double DownloadersUpNeeded => WhileSeederSent.SeederUp * (downloaders - 1) / downloaders;

    /// <summary>The samples averaged per whole second of the run.</summary>
    public IEnumerable<LinkSample> PerSecond() =>
        Samples.GroupBy(s => (int)s.From).Select(g => new LinkSample(g.Key, g.Key + 1, g.Average(s => s.SeederUp), g.Average(s => s.DownloadersUp), g.Average(s => s.DownloadersDown)));
}
