using System.Diagnostics;
using System.Net;

namespace P2PShare.Peer.Discovery;

/// <summary>
/// What one discovery run has heard so far: each probe's outcome, every tracker found with when,
/// and a signal at the first. Receive loops record into it concurrently.
/// </summary>
internal sealed class DiscoveryTally
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<ProbeOutcome> _outcomes = [];
    private readonly List<FoundTracker> _found = [];
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first tracker is found.</summary>
    public Task First => _first.Task;

    /// <summary>Whether any tracker was found yet.</summary>
    public bool AnyFound
    {
        get
        {
            lock (_found)
                return _found.Count > 0;
        }
    }

    /// <summary>Adds a probe's outcome to the report.</summary>
    public void Add(ProbeOutcome outcome)
    {
        lock (_found)
            _outcomes.Add(outcome);
    }

    /// <summary>Counts a good answer naming <paramref name="tracker"/> against <paramref name="outcome"/>.</summary>
    public void Found(ProbeOutcome outcome, IPEndPoint tracker)
    {
        var after = _clock.Elapsed;
        lock (_found)
        {
            outcome.Answers++;
            if (outcome.Tracker is null)
            {
                outcome.Tracker = tracker.ToString();
                outcome.FirstAnswerAfter = after;
            }
            _found.Add(new FoundTracker(tracker, outcome.Method, outcome.Interface, after));
        }
        _first.TrySetResult();
    }

    /// <summary>The report so far, for discovery on UDP <paramref name="port"/>.</summary>
    public DiscoveryReport Report(int port)
    {
        lock (_found)
            return new DiscoveryReport([.. _outcomes], [.. _found], _clock.Elapsed, port);
    }
}
