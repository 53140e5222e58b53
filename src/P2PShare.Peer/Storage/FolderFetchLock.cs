using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The claim of one folder fetch on a repository, so two fetches of one folder (or of a folder and
/// one inside it) never run into one repository at once, whether in one peer or in two processes: each
/// would fail the files the other holds, though together they fetch everything. A fetch of
/// <c>a/b/</c> holds <c>.p2pshare/folders/HASH(a/b/).lock</c> exclusively and each ancestor's
/// (<c>a/</c>) shared, as <c>flock</c> locks (the lock of one open file each, so two fetches in one
/// process exclude each other too): a fetch of the same folder or of an ancestor wants an exclusive
/// lock a holder has, a fetch inside it a shared lock on a file held exclusively. The operating
/// system lets go when the process dies. The lock files stay (a few bytes each), so a fetch never
/// locks a file another is about to delete.
/// </summary>
internal sealed class FolderFetchLock : IDisposable
{
    private const string FolderName = "folders";
    private readonly List<SafeFileHandle> _handles;

    private FolderFetchLock(List<SafeFileHandle> handles) => _handles = handles;

    /// <summary>
    /// Claims <paramref name="folder"/> (ending in '/') for a fetch into <paramref name="root"/>; null when
    /// another fetch holds it, with <paramref name="busy"/> saying which. Throws <see cref="IOException"/>
    /// or <see cref="UnauthorizedAccessException"/> when the lock files cannot be made at all.
    /// </summary>
    public static FolderFetchLock? TryAcquire(string root, string folder, out FolderFetchConflict? busy)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string directory = Path.Combine(root, Repository.StateDirectoryName, FolderName);
        Directory.CreateDirectory(directory);
        var held = new List<SafeFileHandle>();
        try
        {
            foreach (string ancestor in Ancestors(folder))
            {
                if (Open(directory, ancestor, exclusive: false) is not { } shared)
                {
                    busy = new FolderFetchConflict(ancestor, FolderFetchOverlap.Around);
                    return Release(held);
                }
                held.Add(shared);
            }
            if (Open(directory, folder, exclusive: true) is not { } own)
            {
                // Held shared only (a fetch inside it), or exclusively (this very folder).
                using var probe = Open(directory, folder, exclusive: false);
                busy = new FolderFetchConflict(folder, probe is null ? FolderFetchOverlap.Same : FolderFetchOverlap.Inside);
                return Release(held);
            }
            held.Add(own);
            busy = null;
            return new FolderFetchLock(held);
        }
        catch
        {
            Release(held);
            throw;
        }
    }

    /// <summary>Lets the folder go.</summary>
    public void Dispose() => Release(_handles);

    // "a/b/c/" -> "a/", "a/b/": the folders around it.
    private static IEnumerable<string> Ancestors(string folder)
    {
        for (int slash = folder.IndexOf('/', StringComparison.Ordinal); slash >= 0 && slash < folder.Length - 1; slash = folder.IndexOf('/', slash + 1))
            yield return folder[..(slash + 1)];
    }

    // Null when another open file holds a lock that excludes this one. A name hashed: it may be 1024 bytes long.
    private static SafeFileHandle? Open(string directory, string folder, bool exclusive)
    {
        string name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder)))[..32] + ".lock";
        try
        {
            // .NET on Unix takes flock(LOCK_EX) for FileShare.None, and flock(LOCK_SH) for a read-only FileShare.Read.
            return exclusive
                ? File.OpenHandle(Path.Combine(directory, name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)
                : File.OpenHandle(Path.Combine(directory, name), FileMode.OpenOrCreate, FileAccess.Read, FileShare.Read);
        }
        catch (IOException e) when (DownloadLock.IsHeldElsewhere(e))
        {
            return null;
        }
    }

    private static FolderFetchLock? Release(List<SafeFileHandle> handles)
    {
        foreach (var handle in handles)
            handle.Dispose();
        handles.Clear();
        return null;
    }
}
