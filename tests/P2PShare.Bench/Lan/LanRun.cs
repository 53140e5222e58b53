namespace P2PShare.Bench.Lan;

/// <summary>One run of the <c>lan</c> benchmark: every downloader, and what the seeder sent and spent meanwhile.</summary>
internal sealed record LanRun(IReadOnlyList<LanDownload> Downloads, long SeederSentBytes, double SeederCpuSeconds, string LoadAverage)
{
    /// <summary>Mean share of the machine's CPU time that was busy from the common start to the last exit.</summary>
    public double MachineBusy { get; init; }

    /// <summary>Share of 100 ms samples in which the machine's CPUs were at least 95 % busy.</summary>
    public double SaturatedShare { get; init; }

    /// <summary>How busy the links were, sampled twice a second.</summary>
    public LinkTimeline? Links { get; init; }

    /// <summary>When the last downloader was done, seconds from the common start.</summary>
    public double LastSeconds => Downloads.Max(d => d.Seconds);
}
