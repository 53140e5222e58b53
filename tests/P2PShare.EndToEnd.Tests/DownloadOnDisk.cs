using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.EndToEnd.Tests;

/// <summary>What a download in progress has recorded on disk, read the way the peer reads it on restart.</summary>
internal static class DownloadOnDisk
{
    /// <summary>The pieces the state file claims as verified; an empty set while there is no state yet.</summary>
    public static PieceSet Verified(string repository, FileId id, int pieceCount)
    {
        var paths = DownloadPaths.For(Path.Combine(repository, Repository.StateDirectoryName, "downloads"), id);
        try
        {
            return PartState.Parse(File.ReadAllBytes(paths.State), File.ReadAllBytes(paths.Manifest), id).Verified;
        }
        catch (FileNotFoundException)
        {
            return new PieceSet(pieceCount);
        }
    }

    /// <summary>How many pieces the .part holds with exactly the original bytes, recorded or not (0 before it exists).</summary>
    public static int PiecesInPart(string repository, Manifest manifest, byte[] original)
    {
        string path = DownloadPaths.For(Path.Combine(repository, Repository.StateDirectoryName, "downloads"), manifest.Id).Part;
        byte[] part;
        try
        {
            part = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
        if (part.Length != original.Length)
            return 0;
        return Enumerable.Range(0, manifest.PieceCount).Count(piece => part.AsSpan(PieceRange(manifest, piece)).SequenceEqual(original.AsSpan(PieceRange(manifest, piece))));
    }

    /// <summary>Asserts every piece the state claims is on disk in the .part with exactly the original bytes; returns how many.</summary>
    public static int AssertClaimsAreTrue(string repository, Manifest manifest, byte[] original)
    {
        var verified = Verified(repository, manifest.Id, manifest.PieceCount);
        var part = File.ReadAllBytes(DownloadPaths.For(Path.Combine(repository, Repository.StateDirectoryName, "downloads"), manifest.Id).Part);
        Assert.Equal(manifest.Length, part.Length);
        foreach (int piece in verified.Indices())
        {
            var range = PieceRange(manifest, piece);
            Assert.True(part.AsSpan(range).SequenceEqual(original.AsSpan(range)), $"piece {piece} is claimed verified but its bytes differ");
        }
        return verified.Present;
    }

    private static Range PieceRange(Manifest manifest, int piece) =>
        new((int)manifest.PieceOffset(piece), (int)manifest.PieceOffset(piece) + manifest.PieceSize(piece));
}
