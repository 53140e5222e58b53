namespace P2PShare.Bench.Lan;

/// <summary>
/// What one downloader of one run measured: seconds from the common start to its exit, CPU
/// (utime+stime of its process), payload bytes its link carried each way (<see cref="LinkCounters"/>),
/// and the verified pieces its result line credits to the seeder and to other downloaders.
/// </summary>
internal sealed record LanDownload(string Name, double Seconds, double CpuSeconds, long ReceivedBytes, long SentBytes, int PiecesFromSeeder, int PiecesFromOthers);
