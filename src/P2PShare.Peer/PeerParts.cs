using P2PShare.Peer.Network;

namespace P2PShare.Peer;

/// <summary>
/// The parts of a peer a test or the benchmark replaces or wraps, beside its <see cref="PeerOptions"/>:
/// a slow, paused or lying piece source, a disk that fills up. Real use takes the defaults.
/// </summary>
public sealed record PeerParts
{
    /// <summary>Wraps the source the piece server serves from (<see cref="RepositoryPieces"/>); unchanged by default.</summary>
    public Func<IPieceSource, IPieceSource> ServeThrough { get; init; } = source => source;

    /// <summary>
    /// Called with the path before every write the storage layer makes to a download (piece data and
    /// state); a test throws an <see cref="IOException"/> from it (e.g. ENOSPC) to fill the disk at a chosen moment.
    /// </summary>
    public Action<string>? BeforeDiskWrite { get; init; }
}
