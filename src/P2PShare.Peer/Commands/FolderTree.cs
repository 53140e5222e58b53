using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Commands;

/// <summary>
/// One folder of the network's list, built from the files' <c>/</c>-separated names: its subfolders
/// and files, and totals over everything under it (files, bytes, the fewest and most holders any
/// one file has, how many we hold). No I/O: <c>list</c> renders it.
/// </summary>
internal sealed class FolderTree
{
    private readonly Dictionary<string, FolderTree> _folders = new(StringComparer.Ordinal);
    private readonly List<NetworkFile> _files = [];

    private FolderTree(string name, string path, int depth)
    {
        Name = name;
        Path = path;
        Depth = depth;
    }

    /// <summary>The folder's own name ("" for the top).</summary>
    public string Name { get; }

    /// <summary>Its path from the top of the listing, ending in <c>/</c> ("" for the top).</summary>
    public string Path { get; }

    /// <summary>0 for the top, 1 for its folders, and so on.</summary>
    public int Depth { get; }

    /// <summary>Its subfolders, by name (ordinal).</summary>
    public IReadOnlyList<FolderTree> Folders { get; private set; } = [];

    /// <summary>The files directly in it, by name and id.</summary>
    public IReadOnlyList<NetworkFile> Files => _files;

    /// <summary>Files anywhere under it.</summary>
    public int FileCount { get; private set; }

    /// <summary>Folders anywhere under it.</summary>
    public int FolderCount { get; private set; }

    /// <summary>Bytes of every file under it.</summary>
    public long Size { get; private set; }

    /// <summary>The fewest and the most complete holders of any one file under it, under that file's name.</summary>
    public (int Min, int Max) Complete { get; private set; } = (int.MaxValue, 0);

    /// <summary>The fewest and the most partial holders of any one file under it.</summary>
    public (int Min, int Max) Partial { get; private set; } = (int.MaxValue, 0);

    /// <summary>Files under it that we hold complete.</summary>
    public int LocalCount { get; private set; }

    /// <summary>Rows it takes when opened: one per subfolder and per file.</summary>
    public int OpenRows => Folders.Count + _files.Count;

    /// <summary>
    /// The tree of <paramref name="files"/>, each named relative to <paramref name="top"/> (a folder
    /// path ending in <c>/</c>, or ""; files outside it are left out). <paramref name="isLocal"/> says
    /// whether we hold a file complete.
    /// </summary>
    public static FolderTree Build(IEnumerable<NetworkFile> files, string top, Func<NetworkFile, bool> isLocal)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(top);
        ArgumentNullException.ThrowIfNull(isLocal);
        var root = new FolderTree("", "", 0);
        foreach (var file in files)
        {
            if (!file.Name.StartsWith(top, StringComparison.Ordinal) || file.Name.Length == top.Length)
                continue;
            var folder = root;
            int start = top.Length, slash;
            // An empty segment (a name the tracker should have refused) stays part of the file's name.
            while ((slash = file.Name.IndexOf('/', start)) > start)
            {
                string name = file.Name[start..slash];
                if (!folder._folders.TryGetValue(name, out var sub))
                    folder._folders[name] = sub = new FolderTree(name, file.Name[top.Length..(slash + 1)], folder.Depth + 1);
                folder = sub;
                start = slash + 1;
            }
            folder._files.Add(file);
        }
        root.Total(isLocal);
        return root;
    }

    // Sorts every folder's contents and sums its totals from the bottom up.
    private void Total(Func<NetworkFile, bool> isLocal)
    {
        Folders = [.. _folders.Values.OrderBy(f => f.Name, StringComparer.Ordinal)];
        _files.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name) is var order and not 0 ? order : string.CompareOrdinal(a.Id.ToString(), b.Id.ToString()));
        foreach (var file in _files)
        {
            // The holders that give it this name: a copy elsewhere serves a download, but does not hold this folder.
            Add(1, 0, file.Length, (file.NameCompleteHolders, file.NameCompleteHolders), (file.NamePartialHolders, file.NamePartialHolders), isLocal(file) ? 1 : 0);
        }
        foreach (var folder in Folders)
        {
            folder.Total(isLocal);
            Add(folder.FileCount, folder.FolderCount + 1, folder.Size, folder.Complete, folder.Partial, folder.LocalCount);
        }
    }

    private void Add(int files, int folders, long size, (int Min, int Max) complete, (int Min, int Max) partial, int local)
    {
        FileCount += files;
        FolderCount += folders;
        Size += size;
        Complete = (Math.Min(Complete.Min, complete.Min), Math.Max(Complete.Max, complete.Max));
        Partial = (Math.Min(Partial.Min, partial.Min), Math.Max(Partial.Max, partial.Max));
        LocalCount += local;
    }
}
