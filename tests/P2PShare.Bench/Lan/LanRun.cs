namespace P2PShare.Bench.Lan;

/// <summary>One run of the <c>lan</c> benchmark: every downloader, and what the seeder sent and spent meanwhile.</summary>
internal sealed record LanRun(IReadOnlyList<LanDownload> Downloads, long SeederSentBytes, double SeederCpuSeconds, string LoadAverage)
{
    /// <summary>When the last downloader was done, seconds from the common start.</summary>
    public double LastSeconds => Downloads.Max(d => d.Seconds);
}
