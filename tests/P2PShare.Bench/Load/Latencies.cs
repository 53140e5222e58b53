namespace P2PShare.Bench.Load;

/// <summary>Lookup latencies, recorded from many tasks at once, and their percentiles.</summary>
internal sealed class Latencies
{
    private readonly List<double> _milliseconds = [];

    public int Count
    {
        get
        {
            lock (_milliseconds)
                return _milliseconds.Count;
        }
    }

    public void Add(TimeSpan latency)
    {
        lock (_milliseconds)
            _milliseconds.Add(latency.TotalMilliseconds);
    }

    /// <summary>Adds every latency of <paramref name="other"/>.</summary>
    public void Merge(Latencies other)
    {
        double[] theirs;
        lock (other._milliseconds)
            theirs = [.. other._milliseconds];
        lock (_milliseconds)
            _milliseconds.AddRange(theirs);
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0-100) in milliseconds; NaN when empty.</summary>
    public double Percentile(double p)
    {
        double[] sorted;
        lock (_milliseconds)
            sorted = [.. _milliseconds];
        if (sorted.Length == 0)
            return double.NaN;
        Array.Sort(sorted);
        int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
