using P2PShare.Peer.Network;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Files;

namespace P2PShare.Testing;

/// <summary>Answers <c>elsewhere</c> to every piece request, with or without <c>defer</c>: a server that breaks PROTOCOL.md §8.3.</summary>
public sealed class ElsewhereLiar(IPieceSource inner) : IPieceSource
{
    /// <summary>A <see cref="P2PShare.Peer.PeerParts.ServeThrough"/> that never sends a piece.</summary>
    public static IPieceSource Wrap(IPieceSource inner) => new ElsewhereLiar(inner);

    public Manifest? FindManifest(FileId file) => inner.FindManifest(file);

    public PieceSet? FindPieces(FileId file) => inner.FindPieces(file);

    public ValueTask<PieceAnswer> GetPieceAsync(FileId file, int piece, CancellationToken cancellationToken) =>
        ValueTask.FromResult(PieceAnswer.Refuse(ErrorCodes.Elsewhere, "get it there"));
}
