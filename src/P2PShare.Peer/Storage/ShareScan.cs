using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>Finds the files a repository shares and hashes those the cache does not know.</summary>
internal static class ShareScan
{
    /// <summary>A file found in the repository; <see cref="Manifest"/> is filled from the cache or by hashing.</summary>
    internal sealed class Found(string name, string path, FileStamp stamp)
    {
        public string Name { get; } = name;

        public string Path { get; } = path;

        public long Length => Stamp.Length;

        /// <summary>The file as listed: the cache is consulted with it, and hashing checks nothing changed it meanwhile.</summary>
        public FileStamp Stamp { get; } = stamp;

        public Manifest? Manifest { get; set; }
    }

    /// <summary>The regular files directly in <paramref name="root"/> that may be shared, by name.</summary>
    public static List<Found> List(string root, ILogger logger)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = true, MatchType = MatchType.Simple };
        var found = new List<Found>();
        IEnumerable<FileInfo> entries;
        try
        {
            entries = new DirectoryInfo(root).EnumerateFiles("*", options).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot list the repository folder {root}: {e.Message}", e);
        }
        foreach (var info in entries)
        {
            if (info.Name.StartsWith('.'))
                continue; // hidden, including our own .p2pshare
            if (FileNameRules.Check(info.Name) is string problem)
            {
                StorageLog.SkippedFile(logger, info.Name, $"its name is not portable ({problem})");
                continue;
            }
            if (info.LinkTarget is not null)
            {
                StorageLog.SkippedFile(logger, info.Name, "it is a symbolic link; only regular files are shared");
                continue;
            }
            FileStamp stamp;
            try
            {
                if (FileStamp.NotRegular(info.FullName) is string kind)
                {
                    StorageLog.SkippedFile(logger, info.Name, $"it is {kind}; only regular files are shared");
                    continue;
                }
                stamp = FileStamp.Of(info.FullName);
            }
            catch (IOException e)
            {
                StorageLog.SkippedFile(logger, info.Name, $"its attributes cannot be read ({e.Message})");
                continue;
            }
            found.Add(new Found(info.Name, info.FullName, stamp));
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return found;
    }

    /// <summary>
    /// Hashes <paramref name="file"/> into its manifest; false (logged, manifest left null) if the
    /// file cannot be read, is too large, or changed while it was read.
    /// </summary>
    public static bool Hash(Found file, int pieceLength, ILogger logger, CancellationToken cancellationToken)
    {
        long pieces = (file.Length + pieceLength - 1) / pieceLength;
        if (pieces > ProtocolLimits.Default.MaxPieceCount)
        {
            StorageLog.SkippedFile(logger, file.Name, $"{file.Length} bytes in pieces of {pieceLength} make {pieces} pieces, over the limit of {ProtocolLimits.Default.MaxPieceCount}");
            return false;
        }
        try
        {
            var manifest = FileHasher.Hash(file.Path, file.Length, pieceLength, cancellationToken);
            if (FileStamp.Of(file.Path) != file.Stamp)
            {
                StorageLog.SkippedFile(logger, file.Name, "it changed while it was being hashed; the next scan will pick it up");
                return false;
            }
            file.Manifest = manifest;
            StorageLog.Hashed(logger, file.Name, file.Length, manifest.PieceCount, manifest.Id.ShortText);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ProtocolException)
        {
            StorageLog.SkippedFile(logger, file.Name, $"it cannot be read ({e.Message})");
            return false;
        }
    }

    /// <summary>
    /// Hashes <paramref name="files"/> <paramref name="parallelism"/> at a time, each in pieces of
    /// <paramref name="pieceLength"/> (by its length); returns how many were hashed.
    /// </summary>
    public static async Task<int> HashAllAsync(IReadOnlyList<Found> files, Func<long, int> pieceLength, int parallelism, ILogger logger, CancellationToken cancellationToken)
    {
        int hashed = 0;
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            (file, token) =>
            {
                if (Hash(file, pieceLength(file.Length), logger, token))
                    Interlocked.Increment(ref hashed);
                return ValueTask.CompletedTask;
            });
        return hashed;
    }

    /// <summary>
    /// <paramref name="name"/> if a download may be saved under it; throws <see cref="StorageException"/>
    /// for a name that could escape the repository, or a hidden one (reserved for its own state).
    /// </summary>
    public static string RequireSaveName(string name)
    {
        if (FileNameRules.Check(name) is string problem)
            throw new StorageException($"cannot save a file as '{name}': {problem}");
        if (name.StartsWith('.'))
            throw new StorageException($"cannot save a file as '{name}': names starting with '.' are hidden, never shared, and reserved for the repository's own state");
        return name;
    }
}
