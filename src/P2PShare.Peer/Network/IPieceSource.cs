using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Network;

/// <summary>
/// What a <see cref="PieceServer"/> serves: the manifests, piece maps and verified pieces of the
/// files a peer holds. The server owns the connections; a source decides what is answered. Tests
/// and the benchmark wrap the real source (<see cref="RepositoryPieces"/>) to play a slow, paused
/// or lying peer.
/// </summary>
public interface IPieceSource
{
    /// <summary>The manifest of <paramref name="file"/>; null if it is not held here.</summary>
    Manifest? FindManifest(FileId file);

    /// <summary>The verified pieces of <paramref name="file"/>; null if it is not held here.</summary>
    PieceSet? FindPieces(FileId file);

    /// <summary>Piece <paramref name="piece"/> of <paramref name="file"/>, ready to send, or the error to answer instead.</summary>
    ValueTask<PieceAnswer> GetPieceAsync(FileId file, int piece, CancellationToken cancellationToken);
}
