namespace P2PShare.Bench.Swarm;

/// <summary>What one <c>swarm</c> benchmark runs.</summary>
internal sealed record SwarmSettings
{
    /// <summary>Size of the generated file.</summary>
    public long SizeBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>Fast seeders (each with its own hard-linked copy).</summary>
    public int Seeders { get; init; } = 3;

    /// <summary>Downloaders started together (leechers mode); 0 for the plain mode with one downloader.</summary>
    public int Leechers { get; init; }

    /// <summary>When above 0, one more seeder throttled to this many MB/s joins (slow-seeder mode).</summary>
    public double SlowSeederMbps { get; init; }

    /// <summary>Piece length the seeders use; null keeps the peer's default.</summary>
    public int? PieceLength { get; init; }

    /// <summary>Extra arguments for every downloader (e.g. a tuning option under test).</summary>
    public IReadOnlyList<string> DownloaderArgs { get; init; } = [];

    /// <summary>How many times the whole measurement repeats; medians are printed.</summary>
    public int Runs { get; init; } = 1;

    /// <summary>Folder for the temporary files (deleted afterwards).</summary>
    public string TempRoot { get; init; } = Path.GetTempPath();

    /// <summary>Where P2PShare.Peer.dll and P2PShare.Tracker.dll are run from: the benchmark's own build, or a <c>dotnet publish</c> output.</summary>
    public string ProgramsFolder { get; init; } = AppContext.BaseDirectory;

    /// <summary>The shared secret every process of the session is given (TLS on every connection); null: an open network.</summary>
    public string? Secret { get; init; }

    /// <summary>Each run downloads from an open swarm and from one with a secret, in turn, and compares the two.</summary>
    public bool SecretVsOpen { get; init; }

    /// <summary>Longest any one process may take.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}
