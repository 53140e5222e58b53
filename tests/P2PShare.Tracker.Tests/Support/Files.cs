using System.Security.Cryptography;
using System.Text;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Tests.Support;

/// <summary>File entries with real manifest ids, made up without any file on disk.</summary>
internal static class Files
{
    /// <summary>A manifest id for a file of that shape whose piece hashes derive from <paramref name="seed"/>.</summary>
    public static FileId Id(string seed, long length = 1000, int pieceLength = 256)
    {
        int pieces = Manifest.CountPieces(length, pieceLength);
        var hashes = new byte[pieces * Manifest.HashLength];
        for (int i = 0; i < pieces; i++)
            SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}/{i}"), hashes.AsSpan(i * Manifest.HashLength));
        return Manifest.Create(length, pieceLength, hashes).Id;
    }

    /// <summary>A complete file.</summary>
    public static FileEntry Complete(string name, string seed, long length = 1000, int pieceLength = 256) =>
        new(Id(seed, length, pieceLength), name, length, pieceLength, null);

    /// <summary>A partial file holding <paramref name="pieces"/>.</summary>
    public static FileEntry Partial(string name, string seed, int[] pieces, long length = 1000, int pieceLength = 256)
    {
        var have = new PieceSet(Manifest.CountPieces(length, pieceLength));
        foreach (int piece in pieces)
            have.Add(piece);
        return new FileEntry(Id(seed, length, pieceLength), name, length, pieceLength, have);
    }
}
