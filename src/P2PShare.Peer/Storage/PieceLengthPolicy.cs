using P2PShare.Protocol;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Chooses the piece length for a file we share. Small pieces spread a download over many peers;
/// too many pieces make manifests, bitfields and per-piece overhead grow. The rule: 256 KiB for
/// files up to 1 GiB (at most 4096 pieces), then the length doubles with each doubling of the file,
/// so a file keeps between 2049 and 4096 pieces, up to the 8 MiB cap
/// (<see cref="ProtocolLimits.MaxPieceLength"/>) reached at 32 GiB. Past 64 GiB a file has more
/// than 8192 pieces, still far inside <see cref="ProtocolLimits.MaxPieceCount"/>.
/// </summary>
public static class PieceLengthPolicy
{
    /// <summary>The smallest piece length chosen: 256 KiB.</summary>
    public const int MinPieceLength = 256 * 1024;

    /// <summary>Pieces a file may have before its piece length doubles.</summary>
    public const int TargetPieceCount = 4096;

    /// <summary>The piece length for a file of <paramref name="fileLength"/> bytes: a power of two.</summary>
    public static int Choose(long fileLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fileLength);
        int max = ProtocolLimits.Default.MaxPieceLength;
        int pieceLength = MinPieceLength;
        while (pieceLength < max && fileLength > (long)pieceLength * TargetPieceCount)
            pieceLength *= 2;
        return pieceLength;
    }
}
