using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// The downloads in progress on disk, in <c>.p2pshare/downloads</c>: <c>ID.part</c> holds the data
/// at piece offsets, <c>ID.state</c> the <see cref="PartState"/>. The state file's bitfield is
/// trusted on load (pieces were verified before they were recorded); a damaged state file costs
/// that download its progress, never a crash.
/// </summary>
internal sealed class DownloadStore(string root, string directory, ILogger logger)
{
    /// <summary>The ids of every download with a state file.</summary>
    public IEnumerable<FileId> ListIds()
    {
        foreach (string path in Directory.EnumerateFiles(directory))
        {
            string fileName = Path.GetFileName(path);
            if (fileName.EndsWith(PartState.Extension, StringComparison.Ordinal)
                && FileId.TryParse(fileName[..^PartState.Extension.Length], out var id))
                yield return id;
        }
    }

    /// <summary>
    /// Reopens the download of <paramref name="id"/> found on disk; null (logged) if it is unusable.
    /// A damaged state file is removed with its data, since without it the data cannot be trusted.
    /// </summary>
    public LocalFile? Load(FileId id)
    {
        string statePath = StatePath(id);
        PartState state;
        try
        {
            state = PartState.Parse(File.ReadAllBytes(statePath), id);
        }
        catch (InvalidDataException e)
        {
            StorageLog.StateUnusable(logger, statePath, e.Message);
            Discard(id);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            StorageLog.StateUnusable(logger, statePath, e.Message);
            return null;
        }
        try
        {
            return Open(state, resumed: true);
        }
        catch (StorageException e)
        {
            StorageLog.StateUnusable(logger, statePath, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Opens the download of <paramref name="manifest"/>: resumes it from its state file if there is
    /// a usable one, otherwise starts it from zero as <paramref name="name"/>.
    /// </summary>
    public LocalFile OpenOrCreate(Manifest manifest, string name)
    {
        string statePath = StatePath(manifest.Id);
        if (File.Exists(statePath))
        {
            try
            {
                return Open(PartState.Parse(File.ReadAllBytes(statePath), manifest.Id), resumed: true);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                StorageLog.StateUnusable(logger, statePath, e.Message);
            }
        }
        return Open(new PartState(name, manifest, new PieceSet(manifest.PieceCount)), resumed: false);
    }

    /// <summary>Deletes the state and data of <paramref name="id"/> (best effort, logged).</summary>
    public void Discard(FileId id)
    {
        foreach (string path in new[] { StatePath(id), PartPath(id) })
        {
            if (!AtomicFile.TryDelete(path))
                StorageLog.CleanupFailed(logger, path, "the file could not be deleted");
        }
    }

    private LocalFile Open(PartState state, bool resumed)
    {
        var manifest = state.Manifest;
        string partPath = PartPath(manifest.Id);
        string statePath = StatePath(manifest.Id);
        SafeFileHandle? handle = null;
        try
        {
            bool existed = File.Exists(partPath);
            // A new .part reserves its whole length now, so a full disk is reported before any download starts.
            handle = existed
                ? File.OpenHandle(partPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read)
                : File.OpenHandle(partPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.None, preallocationSize: manifest.Length);
            if (resumed && state.Verified.Present > 0 && (!existed || RandomAccess.GetLength(handle) != manifest.Length))
            {
                StorageLog.StateUnusable(logger, statePath, $"its data file {partPath} is missing or not {manifest.Length} bytes long");
                state = state with { Verified = new PieceSet(manifest.PieceCount) };
                resumed = false;
            }
            if (RandomAccess.GetLength(handle) != manifest.Length)
                RandomAccess.SetLength(handle, manifest.Length);
            if (!resumed || !File.Exists(statePath))
                AtomicFile.Write(statePath, state.ToBytes());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            handle?.Dispose();
            throw new StorageException($"cannot prepare the download of '{state.Name}' ({manifest.Length} bytes) in {directory}: {e.Message}", e);
        }

        if (resumed)
            StorageLog.Resumed(logger, state.Name, manifest.Id.ShortText, state.Verified.Present, manifest.PieceCount);
        else
            StorageLog.Created(logger, state.Name, manifest.Id.ShortText, manifest.PieceCount, manifest.Length);
        return new LocalFile(root, state, partPath, statePath, handle, logger);
    }

    private string StatePath(FileId id) => Path.Combine(directory, id + PartState.Extension);

    private string PartPath(FileId id) => Path.Combine(directory, id + PartState.PartExtension);
}
