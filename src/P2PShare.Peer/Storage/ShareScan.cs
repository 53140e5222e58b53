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

    /// <summary>
    /// The regular files anywhere under <paramref name="root"/> that may be shared, by relative name
    /// (<c>/</c>-separated). Symbolic links (to files or folders) are never followed, and everything
    /// skipped (a hidden file or folder, a FIFO, a socket, a device, an unportable name, an unreadable
    /// folder) is logged once; only our own <c>.p2pshare</c> is passed over without a word.
    /// </summary>
    public static List<Found> List(string root, ILogger logger)
    {
        var found = new List<Found>();
        var folders = new Stack<(string Path, string Name, int Depth)>();
        folders.Push((root, "", 0));
        while (folders.TryPop(out var folder))
        {
            List<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(folder.Path).EnumerateFileSystemInfos("*", Listing).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (folder.Depth == 0)
                    throw new StorageException($"cannot list the repository folder {root}: {e.Message}", e);
                StorageLog.SkippedFolder(logger, folder.Name, $"it cannot be listed ({e.Message})");
                continue;
            }
            foreach (var info in entries)
            {
                string name = folder.Name.Length == 0 ? info.Name : folder.Name + FileNameRules.Separator + info.Name;
                if (info.Name.StartsWith('.'))
                {
                    // Hidden: a downloader refuses such a segment (RepositoryPath), so it could never be fetched.
                    // Our own state folder is the one hidden thing not worth a line.
                    if (folder.Depth > 0 || info.Name != Repository.StateDirectoryName)
                        SkipHidden(info, name, logger);
                    continue;
                }
                if (info is DirectoryInfo && info.LinkTarget is null)
                {
                    if (FileNameRules.CheckSegment(info.Name) is string folderProblem)
                        StorageLog.SkippedFolder(logger, name, $"its name is not portable ({folderProblem})");
                    else if (folder.Depth + 1 >= FileNameRules.MaxDepth)
                        StorageLog.SkippedFolder(logger, name, $"it is nested deeper than {FileNameRules.MaxDepth - 1} folders");
                    else
                        folders.Push((info.FullName, name, folder.Depth + 1));
                    continue;
                }
                if (Examine(info, name, logger) is { } file)
                    found.Add(file);
            }
        }
        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        WarnLookalikes(found, logger);
        return found;
    }

    // `Case.txt` and `case.txt`, or `café` in NFC and in NFD, are two files here but one on a
    // case-insensitive or normalizing filesystem (Windows, macOS): both are shared, and a peer there
    // saves the second under a numbered name (FinalPlacement never overwrites), so say so once per pair.
    private static void WarnLookalikes(List<Found> found, ILogger logger)
    {
        foreach (var same in found.GroupBy(f => Folded(f.Name), StringComparer.Ordinal).Where(g => g.Skip(1).Any()))
        {
            string first = same.First().Name;
            foreach (var other in same.Skip(1))
                StorageLog.Lookalikes(logger, first, other.Name);
        }
    }

    private static string Folded(string name) => Decomposition.Of(name).ToUpperInvariant();

    private const string HiddenReason = "its name starts with '.' (hidden), and peers refuse to save such a name";

    private static void SkipHidden(FileSystemInfo info, string name, ILogger logger)
    {
        if (info is DirectoryInfo && info.LinkTarget is null)
            StorageLog.SkippedFolder(logger, name, HiddenReason);
        else
            StorageLog.SkippedFile(logger, name, HiddenReason);
    }

    // Symbolic links are listed as themselves (AttributesToSkip = 0 keeps them and hidden entries);
    // an unreadable subfolder is reported by the walk, not silently skipped.
    private static readonly EnumerationOptions Listing = new() { RecurseSubdirectories = false, AttributesToSkip = 0, IgnoreInaccessible = false, MatchType = MatchType.Simple };

    // The file `info`, named `name`, if it is shareable; else null, with the reason logged.
    private static Found? Examine(FileSystemInfo info, string name, ILogger logger)
    {
        if (FileNameRules.Check(name) is string problem)
        {
            StorageLog.SkippedFile(logger, name, $"its name is not portable ({problem})");
            return null;
        }
        if (info.LinkTarget is not null)
        {
            StorageLog.SkippedFile(logger, name, "it is a symbolic link; only regular files are shared");
            return null;
        }
        try
        {
            if (FileStamp.NotRegular(info.FullName) is string kind)
            {
                StorageLog.SkippedFile(logger, name, $"it is {kind}; only regular files are shared");
                return null;
            }
            return new Found(name, info.FullName, FileStamp.Of(info.FullName));
        }
        catch (IOException e)
        {
            StorageLog.SkippedFile(logger, name, $"its attributes cannot be read ({e.Message})");
            return null;
        }
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
}
