namespace P2PShare.Bench.Load;

/// <summary>Every count, rate and time limit of one <c>load</c> run, with its default.</summary>
internal sealed record LoadOptions
{
    /// <summary>Simulated peers connected to the tracker at once.</summary>
    public int Peers { get; init; } = 1000;

    /// <summary>Files each peer announces.</summary>
    public int FilesPerPeer { get; init; } = 100;

    /// <summary>Peers holding each file (so who-has answers list several holders).</summary>
    public int HoldersPerFile { get; init; } = 10;

    /// <summary>Peers that also run lookups (who-has, list by name), each on its own connection.</summary>
    public int Askers { get; init; } = 16;

    /// <summary>Time between two lookups of one asker.</summary>
    public TimeSpan LookupInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long every connection is held, lookups going on, after the last peer joined.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time limit for one connect, handshake, announce or lookup.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time limit for the whole run; past it the run stops and reports what it has.</summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Where P2PShare.Tracker.dll is run from: the benchmark's own build, or a <c>dotnet publish</c> output.</summary>
    public string ProgramsFolder { get; init; } = AppContext.BaseDirectory;

    /// <summary>Connect each peer from its own loopback address (127.1.x.y; Linux routes all of 127/8) instead of all from 127.0.0.1.</summary>
    public bool SpreadAddresses { get; init; } = OperatingSystem.IsLinux();
}
