using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Puts a finished download under its final name without ever overwriting a different file:
/// a name taken by other content (or a folder) gets a number, "name (2)" or "base (2).ext"; a name
/// already holding the same content keeps it, and the download's copy is dropped. A nested name
/// (<c>photos/2025/beach.jpg</c>) gets its folders created, never through a symbolic link
/// (<see cref="RepositoryPath"/>); only its last segment is numbered.
/// </summary>
internal static class FinalPlacement
{
    private const int MaxNumberedNames = 10_000;

    /// <summary>Moves <paramref name="partPath"/> into <paramref name="root"/> and returns the final name and path.</summary>
    public static (string Name, string Path) Place(string root, string name, string partPath, Manifest manifest, ILogger logger)
    {
        RepositoryPath.PrepareFolders(root, name);
        for (int n = 1; n <= MaxNumberedNames; n++)
        {
            string candidateName = n == 1 ? name : NumberedName(name, n);
            if (FileNameRules.Check(candidateName) is not null)
                break;
            string candidate = RepositoryPath.Combine(root, candidateName);
            if (Directory.Exists(candidate) || new FileInfo(candidate).LinkTarget is not null)
                continue; // a link is never ours to keep or to replace
            if (File.Exists(candidate))
            {
                if (!FileHasher.Matches(candidate, manifest))
                    continue;
                StorageLog.AlreadyPresent(logger, name, candidate);
                File.Delete(partPath);
                return (candidateName, candidate);
            }
            if (!RepositoryPath.FoldersAreReal(root, candidateName, out var problem))
                throw new StorageException($"cannot save '{name}' in {root}: {problem}") { NameBlocked = true }; // swapped since the folders were made
            try
            {
                File.Move(partPath, candidate, overwrite: false);
            }
            catch (IOException) when (File.Exists(candidate) || Directory.Exists(candidate))
            {
                n--; // taken since we looked: examine it again
                continue;
            }
            if (n > 1)
                StorageLog.NameTaken(logger, name, candidateName);
            return (candidateName, candidate);
        }
        throw new StorageException($"no free name for '{name}' in {root}: every variant up to '{NumberedName(name, MaxNumberedNames)}' is taken or too long");
    }

    /// <summary>
    /// The names, in <see cref="Place"/>'s order, at which a finished <paramref name="name"/> may have
    /// been saved: "name", then "name (2)" and so on while the one before is taken, up to the first free name.
    /// </summary>
    public static IEnumerable<string> SavedNames(string root, string name)
    {
        for (int n = 1; n <= MaxNumberedNames; n++)
        {
            string candidateName = n == 1 ? name : NumberedName(name, n);
            if (FileNameRules.Check(candidateName) is not null || !RepositoryPath.FoldersAreReal(root, candidateName, out _))
                yield break;
            string candidate = RepositoryPath.Combine(root, candidateName);
            if (Directory.Exists(candidate) || new FileInfo(candidate).LinkTarget is not null)
                continue;
            if (!File.Exists(candidate))
                yield break;
            yield return candidateName;
        }
    }

    /// <summary>"name (n)" or "base (n).ext" (of the last segment: "folder/base (n).ext").</summary>
    public static string NumberedName(string name, int n)
    {
        string extension = Path.GetExtension(name);
        string stem = name[..^extension.Length];
        return stem.Length == 0 ? $"{name} ({n})" : $"{stem} ({n}){extension}";
    }
}
