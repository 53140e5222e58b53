namespace P2PShare.Peer;

/// <summary>
/// TEST ONLY: faults a peer injects into itself so that tests can prove the rest of the network
/// copes with them. Set only by tests through <see cref="PeerOptions.TestFaults"/>; the command line
/// has no way to set them and users never need them.
/// </summary>
public sealed record PeerTestFaults
{
    /// <summary>Serve every piece with one byte flipped, so its hash no longer matches the manifest.</summary>
    public bool CorruptServedPieces { get; init; }

    /// <summary>Awaited before each piece is served: a test throttles or pauses a seeder with it.</summary>
    public Func<CancellationToken, Task>? BeforeServingPiece { get; init; }

    /// <summary>
    /// Called with the path before every write the storage layer makes to a download (piece data and
    /// state); a test throws an <see cref="IOException"/> from it (e.g. ENOSPC) to fill the disk at a chosen moment.
    /// </summary>
    public Action<string>? BeforeDiskWrite { get; init; }
}
