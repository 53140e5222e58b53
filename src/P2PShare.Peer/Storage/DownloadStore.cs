using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The downloads in progress on disk, in <c>.p2pshare/downloads</c> (<see cref="DownloadPaths"/>,
/// <see cref="PartState"/>). The state file's bitfield is trusted on load (pieces were verified
/// before they were recorded), and pieces written but not yet recorded are found by hashing
/// (<see cref="PartRecovery"/>); a damaged state costs that download its progress, never a crash.
/// </summary>
internal sealed class DownloadStore(string root, string directory, ILogger logger, TimeSpan persistInterval, Action<string>? beforeWrite = null)
{
    /// <summary>The ids of every download with a state file.</summary>
    public List<FileId> ListIds()
    {
        var ids = new List<FileId>();
        foreach (string path in Directory.EnumerateFiles(directory, "*" + DownloadPaths.StateExtension))
        {
            if (TryParseId(path, DownloadPaths.StateExtension, out var id))
                ids.Add(id);
        }
        return ids;
    }

    /// <summary>
    /// Removes files left by downloads that have no state file (a crash while one was created or
    /// completed), except those of <paramref name="live"/>.
    /// </summary>
    public void RemoveOrphans(IReadOnlySet<FileId> live)
    {
        var withState = ListIds().ToHashSet();
        foreach (string path in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(path);
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && FileId.TryParse(name[..dot], out var id) && !withState.Contains(id) && !live.Contains(id)
                && !AtomicFile.TryDelete(path))
                StorageLog.CleanupFailed(logger, path, "the file could not be deleted");
        }
    }

    /// <summary>
    /// Reopens the download of <paramref name="id"/> found on disk; null (logged) if it is unusable.
    /// A damaged download is removed, since without its state its data cannot be trusted.
    /// </summary>
    public LocalFile? Load(FileId id)
    {
        var paths = DownloadPaths.For(directory, id);
        PartState state;
        try
        {
            state = PartState.Parse(File.ReadAllBytes(paths.State), File.ReadAllBytes(paths.Manifest), id);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            StorageLog.StateUnusable(logger, paths.State, e.Message);
            Discard(id);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StorageLog.StateUnusable(logger, paths.State, e.Message);
            return null;
        }
        try
        {
            return Open(state, paths, resumed: true);
        }
        catch (StorageException e)
        {
            StorageLog.StateUnusable(logger, paths.State, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Opens the download of <paramref name="manifest"/>: resumes it from its state if there is a
    /// usable one, otherwise starts it from zero as <paramref name="name"/>.
    /// </summary>
    public LocalFile OpenOrCreate(Manifest manifest, string name)
    {
        var paths = DownloadPaths.For(directory, manifest.Id);
        if (File.Exists(paths.State))
        {
            try
            {
                var state = PartState.Parse(File.ReadAllBytes(paths.State), File.ReadAllBytes(paths.Manifest), manifest.Id);
                return Open(state, paths, resumed: true);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                StorageLog.StateUnusable(logger, paths.State, e.Message);
            }
        }
        return Open(new PartState(name, manifest, new PieceSet(manifest.PieceCount)), paths, resumed: false);
    }

    /// <summary>Deletes the files of download <paramref name="id"/> (best effort, logged).</summary>
    public void Discard(FileId id)
    {
        foreach (string path in DownloadPaths.For(directory, id).All)
        {
            if (!AtomicFile.TryDelete(path))
                StorageLog.CleanupFailed(logger, path, "the file could not be deleted");
        }
    }

    private LocalFile Open(PartState state, DownloadPaths paths, bool resumed)
    {
        var manifest = state.Manifest;
        SafeFileHandle? handle = null;
        try
        {
            bool existed = File.Exists(paths.Part);
            // A new .part reserves its whole length now, so a full disk is reported before any download starts.
            handle = existed
                ? File.OpenHandle(paths.Part, FileMode.Open, FileAccess.ReadWrite, FileShare.Read)
                : File.OpenHandle(paths.Part, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, preallocationSize: manifest.Length);
            if (resumed && state.Verified.Present > 0 && (!existed || RandomAccess.GetLength(handle) != manifest.Length))
            {
                StorageLog.StateUnusable(logger, paths.State, $"its data file {paths.Part} is missing or not {manifest.Length} bytes long");
                state = state with { Verified = new PieceSet(manifest.PieceCount) };
                resumed = false;
            }
            if (RandomAccess.GetLength(handle) != manifest.Length)
                RandomAccess.SetLength(handle, manifest.Length);
            if (resumed)
                state = RecoverUnrecorded(state, paths, handle);
            else
            {
                beforeWrite?.Invoke(paths.State);
                // Manifest first: a state file is only ever found beside its manifest.
                AtomicFile.Write(paths.Manifest, manifest.ToBytes());
                AtomicFile.Write(paths.State, state.ToBytes());
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            handle?.Dispose();
            throw new StorageException($"cannot prepare the download of '{state.Name}' ({manifest.Length} bytes) in {directory}: {StorageException.Cause(e)}", e);
        }

        if (resumed)
            StorageLog.Resumed(logger, state.Name, manifest.Id.ShortText, state.Verified.Present, manifest.PieceCount);
        else
            StorageLog.Created(logger, state.Name, manifest.Id.ShortText, manifest.PieceCount, manifest.Length);
        return new LocalFile(root, state, paths, handle, logger, persistInterval, beforeWrite);
    }

    /// <summary>
    /// Adds the pieces a crash left written but unrecorded (<see cref="PartRecovery"/>) and records
    /// them, data flushed first as for every state write. Anything failing here only costs those
    /// pieces a download again: the state as it was listed is kept.
    /// </summary>
    private PartState RecoverUnrecorded(PartState state, DownloadPaths paths, SafeFileHandle handle)
    {
        if (state.Verified.IsComplete)
            return state;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var verified = state.Verified.Clone();
        try
        {
            var outcome = PartRecovery.Recover(handle, state.Manifest, verified, paths.Part);
            if (!outcome.RangesKnown)
                StorageLog.DataRangesUnknown(logger, paths.Part, outcome.Checked);
            if (outcome.Recovered == 0)
                return state;
            var recovered = state with { Verified = verified };
            RandomAccess.FlushToDisk(handle);
            beforeWrite?.Invoke(paths.State);
            AtomicFile.Write(paths.State, recovered.ToBytes());
            StorageLog.RecoveredPieces(logger, state.Name, state.Manifest.Id.ShortText, outcome.Recovered, outcome.Checked, (long)clock.Elapsed.TotalMilliseconds);
            return recovered;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StorageLog.RecoveryFailed(logger, state.Name, paths.Part, StorageException.Cause(e));
            return state;
        }
    }

    private static bool TryParseId(string path, string extension, out FileId id)
    {
        string name = Path.GetFileName(path);
        id = default;
        return name.EndsWith(extension, StringComparison.Ordinal) && FileId.TryParse(name[..^extension.Length], out id);
    }
}
