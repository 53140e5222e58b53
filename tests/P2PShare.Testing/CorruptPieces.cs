using P2PShare.Peer.Network;
using P2PShare.Protocol.Files;

namespace P2PShare.Testing;

/// <summary>Serves <paramref name="inner"/>'s pieces with one byte flipped, so no hash matches the manifest: a lying peer.</summary>
public sealed class CorruptPieces(IPieceSource inner) : IPieceSource
{
    /// <summary>A <see cref="P2PShare.Peer.PeerParts.ServeThrough"/> that corrupts every piece.</summary>
    public static IPieceSource Wrap(IPieceSource inner) => new CorruptPieces(inner);

    public Manifest? FindManifest(FileId file) => inner.FindManifest(file);

    public PieceSet? FindPieces(FileId file) => inner.FindPieces(file);

    public async ValueTask<PieceAnswer> GetPieceAsync(FileId file, int piece, CancellationToken cancellationToken)
    {
        var answer = await (await inner.GetPieceAsync(file, piece, cancellationToken)).InMemoryAsync(cancellationToken);
        if (answer.Length > 0)
            answer.Bytes[answer.Length / 2] ^= 0x5A;
        return answer;
    }
}
