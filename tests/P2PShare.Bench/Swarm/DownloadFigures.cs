namespace P2PShare.Bench.Swarm;

/// <summary>
/// What one downloading process measured: wall time (start to exit), transfer time (from its
/// "Downloading" line, after start-up, joining and lookup, to exit), peak memory, CPU, and where its pieces came from;
/// and the CPU the tracker and seeders spent meanwhile (shared by every downloader of one start).
/// </summary>
internal sealed record DownloadFigures(TimeSpan Wall, TimeSpan Transfer, double PeakRssMib, double CpuSeconds, IReadOnlyDictionary<string, int> PiecesByPeer, double ServerCpuSeconds)
{
    /// <summary>Pieces that came from peers other than <paramref name="seeders"/>.</summary>
    public int PiecesFromOthers(IReadOnlySet<string> seeders) =>
        PiecesByPeer.Where(kv => !seeders.Contains(kv.Key)).Sum(kv => kv.Value);
}
