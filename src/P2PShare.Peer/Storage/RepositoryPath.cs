using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Turns a file name (a <c>/</c>-separated relative path, possibly from the network) into a path
/// inside the repository. Every place a name becomes a path goes through here, so the checks are
/// made once more on the downloader, whatever the tracker or the holder let through: the name's
/// rules (<see cref="FileNameRules"/>), no hidden segment (the repository's own <c>.p2pshare/</c>
/// among them), the full path under the root after <see cref="Path.GetFullPath(string)"/>, and no
/// folder on the way that is a symbolic link (or not a folder), so a link inside the repository
/// cannot carry a download, or a read, outside it.
/// </summary>
internal static class RepositoryPath
{
    /// <summary>
    /// <paramref name="name"/> if a download may be saved under it; throws <see cref="StorageException"/>
    /// for a name that could escape the repository, or with a hidden segment (reserved for its own state).
    /// </summary>
    public static string RequireSaveName(string name) =>
        SaveNameProblem(name) is string problem ? throw new StorageException($"cannot save a file as '{name}': {problem}") { NameBlocked = true } : name;

    /// <summary>Null if a download may be saved as <paramref name="name"/>; otherwise why not.</summary>
    public static string? SaveNameProblem(string? name)
    {
        if (FileNameRules.Check(name) is string problem)
            return problem;
        if (name!.StartsWith('.') || name.Contains("/.", StringComparison.Ordinal))
            return "names starting with '.' are hidden, never shared, and reserved for the repository's own state";
        return null;
    }

    /// <summary>
    /// The absolute path of <paramref name="name"/> under <paramref name="root"/> (absolute); throws
    /// <see cref="StorageException"/> if the name is unsafe or the path would leave the root.
    /// </summary>
    public static string Combine(string root, string name)
    {
        RequireSaveName(name);
        string path = Path.GetFullPath(Path.Combine(root, name.Replace(FileNameRules.Separator, Path.DirectorySeparatorChar)));
        string prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
            throw new StorageException($"cannot save a file as '{name}': it would lie outside {root}") { NameBlocked = true };
        return path;
    }

    /// <summary>
    /// True when every folder between <paramref name="root"/> and <paramref name="name"/> that exists
    /// is a real folder (not a symbolic link, not a file); <paramref name="problem"/> says which is not.
    /// </summary>
    public static bool FoldersAreReal(string root, string name, out string? problem)
    {
        string folder = root;
        var segments = name.Split(FileNameRules.Separator);
        for (int i = 0; i < segments.Length - 1; i++)
        {
            folder = Path.Combine(folder, segments[i]);
            var info = new FileInfo(folder);
            if (info.LinkTarget is not null)
            {
                problem = $"'{string.Join('/', segments[..(i + 1)])}' is a symbolic link";
                return false;
            }
            if (info.Exists)
            {
                problem = $"'{string.Join('/', segments[..(i + 1)])}' is a file, not a folder";
                return false;
            }
            if (!Directory.Exists(folder))
                break; // nothing further down exists either
        }
        problem = null;
        return true;
    }

    /// <summary>
    /// Creates the folders of <paramref name="name"/> under <paramref name="root"/> one at a time,
    /// never through a symbolic link; throws <see cref="StorageException"/> if one is in the way.
    /// Returns the file's absolute path.
    /// </summary>
    public static string PrepareFolders(string root, string name)
    {
        string path = Combine(root, name);
        string folder = root;
        var segments = name.Split(FileNameRules.Separator);
        for (int i = 0; i < segments.Length - 1; i++)
        {
            folder = Path.Combine(folder, segments[i]);
            if (!FoldersAreReal(root, string.Join('/', segments[..(i + 2)]), out var problem))
                throw new StorageException($"cannot save '{name}' in {root}: {problem}") { NameBlocked = true };
            try
            {
                Directory.CreateDirectory(folder); // one level: its parent was checked just above
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException($"cannot create the folder {folder} for '{name}': {e.Message}", e);
            }
        }
        if (!FoldersAreReal(root, name, out var late))
            throw new StorageException($"cannot save '{name}' in {root}: {late}") { NameBlocked = true };
        return path;
    }
}
