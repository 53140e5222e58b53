namespace P2PShare.Bench.Lan;

/// <summary>What one <c>lan</c> benchmark runs.</summary>
internal sealed record LanSettings
{
    /// <summary>Downloaders (<c>get</c>) started together, each in its own namespace.</summary>
    public int Downloaders { get; init; } = 3;

    /// <summary>Every host's link rate, each direction, in Mbit/s (10^6 bits).</summary>
    public double RateMbit { get; init; } = 100;

    /// <summary>Size of the generated file.</summary>
    public long SizeBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How many times the downloads repeat (same tracker and seeder); medians are printed.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>Folder for the temporary files (deleted afterwards).</summary>
    public string TempRoot { get; init; } = Path.GetTempPath();

    /// <summary>Where P2PShare.Peer.dll and P2PShare.Tracker.dll are run from.</summary>
    public string ProgramsFolder { get; init; } = AppContext.BaseDirectory;

    /// <summary>Extra arguments for every downloader's <c>get</c>.</summary>
    public IReadOnlyList<string> DownloaderArgs { get; init; } = [];

    /// <summary>Extra arguments for the seeder's <c>serve</c>.</summary>
    public IReadOnlyList<string> SeederArgs { get; init; } = [];

    /// <summary>Folder to keep every process's stderr in (one file per process and run); null: not kept.</summary>
    public string? LogsFolder { get; init; }

    /// <summary>size ÷ link rate: how long one downloader alone needs at best.</summary>
    public double IdealSeconds => SizeBytes * 8 / (RateMbit * 1e6);

    /// <summary>Longest one run may take: ten times the ideal, plus start-up.</summary>
    public TimeSpan RunTimeout => TimeSpan.FromSeconds((IdealSeconds * 10) + 120);
}
