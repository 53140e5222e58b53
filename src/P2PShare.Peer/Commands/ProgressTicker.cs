using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>
/// Shows the progress of the downloads under way while other things happen. On a terminal: live
/// status lines above the prompt, redrawn in place. Otherwise (output redirected): a plain line
/// each time a download passes a quarter, with no control codes.
/// </summary>
public sealed class ProgressTicker
{
    private readonly Func<IReadOnlyList<DownloadProgress>> _downloads;
    private readonly UserOutput _output;
    private readonly ProgressRates _rates;
    private readonly Dictionary<string, int> _quartersShown = new(StringComparer.Ordinal);

    /// <summary>Reports what <paramref name="downloads"/> returns, to <paramref name="output"/>.</summary>
    public ProgressTicker(Func<IReadOnlyList<DownloadProgress>> downloads, UserOutput output)
        : this(downloads, output, new ProgressRates()) { }

    /// <summary>As the other constructor, with the rates of the last seconds kept in <paramref name="rates"/>.</summary>
    public ProgressTicker(Func<IReadOnlyList<DownloadProgress>> downloads, UserOutput output, ProgressRates rates)
    {
        _downloads = downloads ?? throw new ArgumentNullException(nameof(downloads));
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _rates = rates ?? throw new ArgumentNullException(nameof(rates));
    }

    /// <summary>The longest wait between ticks when the output is not a terminal: quarter lines need no finer ticks.</summary>
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reports every <paramref name="interval"/> until cancelled; then clears the live lines. Where the
    /// output is not a terminal, at most every <see cref="PlainInterval"/>: a tick wakes the process for
    /// a line it prints once a quarter, which a slow download paid for twice a second.
    /// </summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TickInterval(interval));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                Tick();
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        _output.SetStatus([]);
    }

    /// <summary>How often <see cref="RunAsync"/> ticks when asked for <paramref name="interval"/>, for this output.</summary>
    public TimeSpan TickInterval(TimeSpan interval) =>
        _output.IsTerminal || interval >= PlainInterval ? interval : PlainInterval;

    /// <summary>Reports once.</summary>
    public void Tick()
    {
        var downloads = _downloads();
        // Every tick is a sample of the rate, shown or not: the rate is over the last seconds, not the run.
        var rates = downloads.Select(_rates.Observe).ToList();
        _rates.RetainOnly(downloads.Select(d => d.Name));
        if (_output.IsTerminal)
        {
            _output.SetStatus(downloads.Select((p, i) => Report.Progress(p, true, rates[i])).ToList());
            return;
        }
        foreach (var p in downloads)
        {
            int shown = _quartersShown.GetValueOrDefault(p.Name);
            int now = Report.QuartersDone(p);
            if (now > shown && now < 4)
                _output.WriteLine(Report.Progress(p, false, _rates.Observe(p)));
            _quartersShown[p.Name] = Math.Max(shown, now);
        }
    }
}
