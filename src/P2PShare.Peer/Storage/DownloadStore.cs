using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The downloads in progress on disk, in <c>.p2pshare/downloads</c> (<see cref="DownloadPaths"/>,
/// <see cref="PartState"/>). A download is touched only under its <see cref="DownloadLock"/>, so one
/// process at a time owns it. The state file's bitfield is never trusted on its own: on reopen every
/// recorded piece is hashed again and pieces written but not yet recorded are found by hashing
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
    /// completed), except those of <paramref name="live"/> and those another process holds the lock of
    /// (it may be creating that download right now).
    /// </summary>
    public void RemoveOrphans(IReadOnlySet<FileId> live)
    {
        var withState = ListIds().ToHashSet();
        var orphans = new Dictionary<FileId, List<string>>();
        foreach (string path in Directory.EnumerateFiles(directory))
        {
            string name = Path.GetFileName(path);
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && FileId.TryParse(name[..dot], out var id) && !withState.Contains(id) && !live.Contains(id))
            {
                if (!orphans.TryGetValue(id, out var files))
                    orphans[id] = files = [];
                files.Add(path);
            }
        }
        foreach (var (id, files) in orphans)
        {
            var paths = DownloadPaths.For(directory, id);
            using var held = TryLock(paths);
            if (held is null)
                continue;
            foreach (string path in files.Where(p => p != paths.Lock))
            {
                if (!AtomicFile.TryDelete(path))
                    StorageLog.CleanupFailed(logger, path, "the file could not be deleted");
            }
            held.Release(delete: true);
        }
    }

    /// <summary>
    /// Reopens the download of <paramref name="id"/> found on disk; null (logged) if it is unusable or
    /// another process has it open. A damaged download is removed, since without its state its data cannot be trusted.
    /// </summary>
    public PartFile? Load(FileId id)
    {
        var paths = DownloadPaths.For(directory, id);
        var held = TryLock(paths);
        if (held is null)
            return null;
        try
        {
            PartState state;
            try
            {
                state = PartState.Parse(File.ReadAllBytes(paths.State), File.ReadAllBytes(paths.Manifest), id);
            }
            catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
            {
                StorageLog.StateUnusable(logger, paths.State, e.Message);
                DeleteFiles(paths, held);
                return null;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                StorageLog.StateUnusable(logger, paths.State, e.Message);
                held.Dispose();
                return null;
            }
            return Open(state, paths, resumed: true, held);
        }
        catch (StorageException e)
        {
            StorageLog.StateUnusable(logger, paths.State, e.Message);
            held.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Opens the download of <paramref name="manifest"/>: resumes it from its state if there is a
    /// usable one, otherwise starts it from zero as <paramref name="name"/>. Throws
    /// <see cref="StorageException"/> if another process has that download open.
    /// </summary>
    public PartFile OpenOrCreate(Manifest manifest, string name)
    {
        var paths = DownloadPaths.For(directory, manifest.Id);
        DownloadLock? held;
        try
        {
            held = DownloadLock.TryAcquire(paths.Lock);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot prepare the download of '{name}' in {directory}: {StorageException.Cause(e)}", e);
        }
        if (held is null)
        {
            throw new StorageException($"another process has the download of '{name}' ({manifest.Id.ShortText}) into {root} open (it holds {paths.Lock})")
            {
                InUseElsewhere = true,
            };
        }
        try
        {
            if (File.Exists(paths.State))
            {
                try
                {
                    var state = PartState.Parse(File.ReadAllBytes(paths.State), File.ReadAllBytes(paths.Manifest), manifest.Id);
                    return Open(state, paths, resumed: true, held);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    StorageLog.StateUnusable(logger, paths.State, e.Message);
                }
            }
            return Open(new PartState(name, manifest, new PieceSet(manifest.PieceCount)), paths, resumed: false, held);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Deletes the files of download <paramref name="id"/> (best effort, logged) unless another process has it open.</summary>
    public void Discard(FileId id)
    {
        var paths = DownloadPaths.For(directory, id);
        var held = TryLock(paths);
        if (held is not null)
            DeleteFiles(paths, held);
    }

    /// <summary>Deletes a download's files, then its lock, which <paramref name="held"/> holds and releases.</summary>
    internal static void DeleteFiles(DownloadPaths paths, DownloadLock held, ILogger? logger = null)
    {
        foreach (string path in paths.All)
        {
            if (!AtomicFile.TryDelete(path) && logger is not null)
                StorageLog.CleanupFailed(logger, path, "the file could not be deleted");
        }
        held.Release(delete: true);
    }

    private void DeleteFiles(DownloadPaths paths, DownloadLock held) => DeleteFiles(paths, held, logger);

    /// <summary>The download's lock, or null (logged) if another process holds it or it cannot be opened.</summary>
    private DownloadLock? TryLock(DownloadPaths paths)
    {
        try
        {
            var held = DownloadLock.TryAcquire(paths.Lock);
            if (held is null)
                StorageLog.DownloadLockedElsewhere(logger, paths.Lock);
            return held;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StorageLog.CleanupFailed(logger, paths.Lock, $"the download's lock cannot be opened ({e.Message})");
            return null;
        }
    }

    private PartFile Open(PartState state, DownloadPaths paths, bool resumed, DownloadLock held)
    {
        var manifest = state.Manifest;
        SafeFileHandle? handle = null;
        int damaged = 0;
        try
        {
            bool existed = File.Exists(paths.Part);
            // A new .part is reserved whole (PartReservation); an existing one is resumed as it is,
            // never truncated or reserved again, so its written pieces stay where they are.
            handle = existed
                ? File.OpenHandle(paths.Part, FileMode.Open, FileAccess.ReadWrite, FileShare.Read)
                : PartReservation.Create(paths.Part, manifest.Length, state.Name);
            bool rewrite = !resumed;
            if (resumed && state.Verified.Present > 0 && !existed)
            {
                StorageLog.StateUnusable(logger, paths.State, $"its data file {paths.Part} is missing");
                state = state with { Verified = new PieceSet(manifest.PieceCount) };
                rewrite = true;
            }
            long length = RandomAccess.GetLength(handle);
            if (length != manifest.Length)
            {
                // Cut short or grown by something else: keep every piece that still verifies.
                if (existed && resumed)
                    StorageLog.PartResized(logger, paths.Part, length, manifest.Length);
                RandomAccess.SetLength(handle, manifest.Length);
            }
            if (resumed)
                (state, damaged) = CheckPart(state, paths, handle, rewrite);
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
        return new PartFile(root, state, paths, handle, held, logger, persistInterval, beforeWrite, damaged);
    }

    /// <summary>
    /// Rehashes the recorded pieces and finds those a crash left written but unrecorded
    /// (<see cref="PartRecovery"/>), then records the result, data flushed first as for every state
    /// write. Returns the checked state and how many recorded pieces no longer matched. If the state
    /// cannot be rewritten, the damaged pieces are still dropped, and recovered ones are not kept
    /// (no state on disk claims them).
    /// </summary>
    private (PartState State, int Damaged) CheckPart(PartState state, DownloadPaths paths, SafeFileHandle handle, bool rewrite)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var verified = state.Verified.Clone();
        var outcome = PartRecovery.Check(handle, state.Manifest, verified, paths.Part);
        long milliseconds = (long)clock.Elapsed.TotalMilliseconds;
        if (!outcome.RangesKnown)
            StorageLog.DataRangesUnknown(logger, paths.Part, outcome.Checked);
        StorageLog.PartChecked(logger, state.Name, state.Manifest.Id.ShortText, outcome.Checked, milliseconds);
        if (outcome.Damaged > 0)
            StorageLog.DamagedPieces(logger, state.Name, state.Manifest.Id.ShortText, outcome.Damaged, state.Verified.Present, paths.Part);
        var checkedState = state with { Verified = verified };
        if (outcome.Recovered == 0 && outcome.Damaged == 0 && !rewrite)
            return (checkedState, 0);
        try
        {
            RandomAccess.FlushToDisk(handle);
            beforeWrite?.Invoke(paths.State);
            if (!File.Exists(paths.Manifest))
                AtomicFile.Write(paths.Manifest, state.Manifest.ToBytes());
            AtomicFile.Write(paths.State, checkedState.ToBytes());
            if (outcome.Recovered > 0)
                StorageLog.RecoveredPieces(logger, state.Name, state.Manifest.Id.ShortText, outcome.Recovered, outcome.Checked, milliseconds);
            return (checkedState, outcome.Damaged);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StorageLog.RecoveryFailed(logger, state.Name, paths.Part, StorageException.Cause(e));
            var kept = state.Verified.Clone();
            foreach (int piece in state.Verified.Indices().Where(p => !verified.Contains(p)))
                kept.Remove(piece);
            return (state with { Verified = kept }, outcome.Damaged);
        }
    }

    private static bool TryParseId(string path, string extension, out FileId id)
    {
        string name = Path.GetFileName(path);
        id = default;
        return name.EndsWith(extension, StringComparison.Ordinal) && FileId.TryParse(name[..^extension.Length], out id);
    }
}
