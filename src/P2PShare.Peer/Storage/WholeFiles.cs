using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Small files fetched whole (a folder's one-piece files), made durable a batch at a time: each is
/// written to a temporary file in <c>.p2pshare/incoming/</c>, then the whole batch is flushed at once,
/// renamed to its final names (<see cref="FinalPlacement"/>: never over different content) and the
/// renames flushed. One flush per batch instead of five per file (manifest, state, data, two folders)
/// is what makes a folder of small files fast. A crash before the rename leaves only a temporary file,
/// never a half file under its final name; <see cref="RemoveLeftovers"/> clears those of dead processes.
/// </summary>
internal sealed class WholeFiles
{
    private const string TempSuffix = ".tmp";

    private readonly string _root;
    private readonly string _directory;
    private readonly ILogger _logger;
    private long _counter;

    public WholeFiles(string root, string directory, ILogger logger)
    {
        _root = root;
        _directory = directory;
        _logger = logger;
    }

    /// <summary>A file written but not yet durable nor under its final name.</summary>
    public sealed record Pending(string Name, Manifest Manifest, string TempPath);

    /// <summary>How one pending file ended: placed and shared (<paramref name="Done"/>), or why not.</summary>
    public sealed record Placed(Pending File, SharedFile? Done, string? Error);

    /// <summary>Writes verified <paramref name="data"/> (the whole file) to a temporary file; not flushed yet.</summary>
    public Pending Write(string name, Manifest manifest, ReadOnlySpan<byte> data)
    {
        string temp = Path.Combine(_directory, $"{manifest.Id}.{Environment.ProcessId}.{Interlocked.Increment(ref _counter)}{TempSuffix}");
        try
        {
            Directory.CreateDirectory(_directory);
            using var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            RandomAccess.Write(handle, data, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AtomicFile.TryDelete(temp);
            throw new StorageException($"cannot write '{name}' to {temp}: {StorageException.Cause(e)}", e);
        }
        return new Pending(name, manifest, temp);
    }

    /// <summary>Deletes a pending file that will not be placed (stopped, or the batch failed).</summary>
    public static void Discard(Pending file) => AtomicFile.TryDelete(file.TempPath);

    /// <summary>
    /// Flushes every file of <paramref name="files"/>, moves each to its final name, then flushes the
    /// renames: only then is a file reported placed (and may be announced). A file that cannot be placed
    /// (a name taken by a folder, a link on the way, the disk) is deleted and reported with why.
    /// </summary>
    public List<Placed> Commit(IReadOnlyList<Pending> files)
    {
        var results = new List<Placed>(files.Count);
        if (files.Count == 0)
            return results;
        var clock = Stopwatch.StartNew();
        Flush(files.Select(f => f.TempPath), files.Count);
        var placed = new List<(Pending File, string Name, string Path)>();
        foreach (var file in files)
        {
            try
            {
                var final = FinalPlacement.Place(_root, file.Name, file.TempPath, file.Manifest, _logger);
                placed.Add((file, final.Name, final.Path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or StorageException)
            {
                Discard(file);
                results.Add(new Placed(file, null, e.Message));
            }
        }
        var folders = placed.Select(p => Path.GetDirectoryName(p.Path)!).Distinct(StringComparer.Ordinal).ToList();
        FlushFolders(folders, placed.Count);
        foreach (var (file, name, path) in placed)
            results.Add(new Placed(file, new SharedFile(name, path, file.Manifest, FileStamp.TryOf(path)), null));
        StorageLog.BatchPlaced(_logger, placed.Count, files.Count, folders.Count, (long)clock.Elapsed.TotalMilliseconds);
        return results;
    }

    /// <summary>Deletes temporary files left by a process that is gone (killed in the middle of a batch).</summary>
    public void RemoveLeftovers()
    {
        if (!Directory.Exists(_directory))
            return;
        foreach (string path in Directory.EnumerateFiles(_directory, "*" + TempSuffix))
        {
            string[] parts = Path.GetFileName(path).Split('.');
            if (parts.Length == 4 && int.TryParse(parts[1], out int pid) && pid != Environment.ProcessId && !IsRunning(pid))
                AtomicFile.TryDelete(path);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    // Many files: one syncfs of the file system (Linux) instead of an fsync each; otherwise each file.
    private void Flush(IEnumerable<string> paths, int count)
    {
        if (count > 1 && TrySyncFileSystem())
            return;
        foreach (string path in paths)
        {
            try
            {
                using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                RandomAccess.FlushToDisk(handle);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StorageException($"cannot flush {path} to disk: {StorageException.Cause(e)}", e);
            }
        }
    }

    private void FlushFolders(List<string> folders, int renamed)
    {
        if (renamed == 0 || (folders.Count > 1 && TrySyncFileSystem()))
            return;
        foreach (string folder in folders)
        {
            try
            {
                AtomicFile.SyncDirectory(folder);
            }
            catch (IOException e)
            {
                throw new StorageException($"cannot flush the folder {folder} to disk: {e.Message}", e);
            }
        }
    }

    // True when the whole file system holding the repository was flushed; false where syncfs is not there.
    private bool TrySyncFileSystem()
    {
        if (!OperatingSystem.IsLinux())
            return false;
        int fd = LibC.Open(_directory, LibC.OpenReadOnlyCloseOnExec);
        if (fd < 0)
            return false;
        try
        {
            if (LibC.SyncFs(fd) == 0)
                return true;
            int errno = Marshal.GetLastPInvokeError();
            throw new StorageException($"cannot flush the file system of {_directory} (errno {errno})");
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        finally
        {
            _ = LibC.Close(fd);
        }
    }
}
