namespace P2PShare.Bench.Lan;

/// <summary>
/// What one downloader of one run measured: seconds from the common start to its result line (its exit
/// unless it serves on with <c>--seed-for</c>), to its first piece data and its exit, CPU
/// (utime+stime of its process), payload bytes its link carried each way (<see cref="LinkCounters"/>),
/// and the verified pieces its result line credits to the seeder and to other downloaders.
/// </summary>
internal sealed record LanDownload(string Name, double Seconds, double CpuSeconds, long ReceivedBytes, long SentBytes, int PiecesFromSeeder, int PiecesFromOthers)
{
    /// <summary>Seconds from the common start to its first piece data (<see cref="FirstData"/>); null if not seen.</summary>
    public double? FirstDataSeconds { get; init; }

    /// <summary>CPU seconds it had used by its first piece data.</summary>
    public double? FirstDataCpuSeconds { get; init; }

    /// <summary>Seconds from the common start to its exit.</summary>
    public double ExitSeconds { get; init; }
}
