using P2PShare.Peer.Network;
using P2PShare.Protocol.Files;

namespace P2PShare.Testing;

/// <summary>Serves <paramref name="inner"/>'s pieces, each after <paramref name="beforeEach"/>: a test pauses or throttles a seeder with it.</summary>
public sealed class GatedPieces(IPieceSource inner, Func<CancellationToken, Task> beforeEach) : IPieceSource
{
    /// <summary>A <see cref="P2PShare.Peer.PeerParts.ServeThrough"/> that gates every piece on <paramref name="beforeEach"/>.</summary>
    public static Func<IPieceSource, IPieceSource> Wrap(Func<CancellationToken, Task> beforeEach) => inner => new GatedPieces(inner, beforeEach);

    public Manifest? FindManifest(FileId file) => inner.FindManifest(file);

    public PieceSet? FindPieces(FileId file) => inner.FindPieces(file);

    public async ValueTask<PieceAnswer> GetPieceAsync(FileId file, int piece, CancellationToken cancellationToken)
    {
        await beforeEach(cancellationToken);
        return await inner.GetPieceAsync(file, piece, cancellationToken);
    }
}
