using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>A temporary repository folder for one test, removed afterwards with every repository opened on it.</summary>
public sealed class StorageTestFolder : IDisposable
{
    private readonly List<Repository> _repositories = [];

    public StorageTestFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "p2pshare-storage-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string DownloadsFolder => Path.Combine(Root, Repository.StateDirectoryName, "downloads");

    /// <summary>A repository on this folder, disposed with the folder.</summary>
    public Repository Open(int? pieceLength = null, TimeSpan statePersistInterval = default, ILogger? logger = null)
    {
        var repository = new Repository(Root, logger ?? NullLogger.Instance, pieceLength, statePersistInterval);
        _repositories.Add(repository);
        return repository;
    }

    public string Write(string name, byte[] content)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // a nested name gets its folders
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The manifest of <paramref name="data"/>, built without the storage code.</summary>
    public static Manifest ManifestOf(byte[] data, int pieceLength)
    {
        int count = (data.Length + pieceLength - 1) / pieceLength;
        var hashes = new byte[count * Manifest.HashLength];
        for (int i = 0; i < count; i++)
        {
            int start = i * pieceLength;
            int size = Math.Min(pieceLength, data.Length - start);
            SHA256.HashData(data.AsSpan(start, size), hashes.AsSpan(i * Manifest.HashLength, Manifest.HashLength));
        }
        return Manifest.Create(data.Length, pieceLength, hashes);
    }

    /// <summary>Piece <paramref name="index"/> of <paramref name="data"/>.</summary>
    public static ReadOnlySpan<byte> Piece(byte[] data, Manifest manifest, int index) =>
        data.AsSpan((int)manifest.PieceOffset(index), manifest.PieceSize(index));

    public void Dispose()
    {
        foreach (var repository in _repositories)
            repository.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // best effort: a temp folder left behind is harmless
        }
    }
}
