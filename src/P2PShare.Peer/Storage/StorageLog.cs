using Microsoft.Extensions.Logging;

namespace P2PShare.Peer.Storage;

/// <summary>The storage layer's diagnostics (event ids 100-199).</summary>
internal static partial class StorageLog
{
    [LoggerMessage(100, LogLevel.Warning, "Not sharing '{Name}': {Reason}")]
    public static partial void SkippedFile(ILogger logger, string name, string reason);

    [LoggerMessage(104, LogLevel.Warning, "Not sharing the folder '{Name}' or anything in it: {Reason}")]
    public static partial void SkippedFolder(ILogger logger, string name, string reason);

    [LoggerMessage(101, LogLevel.Debug, "Hashed '{Name}' ({Length} bytes, {Pieces} pieces) as {Id}")]
    public static partial void Hashed(ILogger logger, string name, long length, int pieces, string id);

    [LoggerMessage(102, LogLevel.Information, "Scanned {Root}: {Shared} shared files ({Hashed} hashed, {Cached} from the cache), {Partial} downloads in progress")]
    public static partial void Scanned(ILogger logger, string root, int shared, int hashed, int cached, int partial);

    [LoggerMessage(103, LogLevel.Information, "'{Name}' has the same content as '{Other}'; sharing both names, serving the bytes from '{Other}'")]
    public static partial void DuplicateContent(ILogger logger, string name, string other);

    [LoggerMessage(105, LogLevel.Information, "'{Name}' has the same content as '{Other}', held here already; copied it to {Path}")]
    public static partial void Copied(ILogger logger, string name, string other, string path);

    [LoggerMessage(110, LogLevel.Warning, "Ignoring the manifest cache {Path} and re-hashing: {Reason}")]
    public static partial void CacheUnreadable(ILogger logger, string path, string reason);

    [LoggerMessage(111, LogLevel.Warning, "Could not save the manifest cache {Path}: {Reason}")]
    public static partial void CacheSaveFailed(ILogger logger, string path, string reason);

    [LoggerMessage(120, LogLevel.Warning, "Download state {Path} is unusable ({Reason}); that download restarts from zero")]
    public static partial void StateUnusable(ILogger logger, string path, string reason);

    [LoggerMessage(121, LogLevel.Information, "Resuming '{Name}' ({Id}): {Verified} of {Total} pieces already verified")]
    public static partial void Resumed(ILogger logger, string name, string id, int verified, int total);

    [LoggerMessage(122, LogLevel.Information, "Starting download of '{Name}' ({Id}): {Total} pieces, {Length} bytes")]
    public static partial void Created(ILogger logger, string name, string id, int total, long length);

    [LoggerMessage(123, LogLevel.Information, "Completed '{Name}' ({Id}); saved as {Path}")]
    public static partial void Completed(ILogger logger, string name, string id, string path);

    [LoggerMessage(124, LogLevel.Information, "'{Path}' already holds the same content as '{Name}'; keeping it")]
    public static partial void AlreadyPresent(ILogger logger, string name, string path);

    [LoggerMessage(125, LogLevel.Warning, "'{Name}' is taken here (by other content, a folder or a link); saving the download as '{Saved}'")]
    public static partial void NameTaken(ILogger logger, string name, string saved);

    [LoggerMessage(126, LogLevel.Information, "Download of '{Name}' ({Id}) is already complete in the repository; removing its leftover state")]
    public static partial void StaleDownload(ILogger logger, string name, string id);

    [LoggerMessage(300, LogLevel.Warning, "Could not write the download state {Path} ({Reason}); trying again shortly")]
    public static partial void StateWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(720, LogLevel.Information, "Recovered {Recovered} pieces of '{Name}' ({Id}) written before a crash but not yet recorded ({Checked} checked against the manifest in {Milliseconds} ms)")]
    public static partial void RecoveredPieces(ILogger logger, string name, string id, int recovered, int @checked, long milliseconds);

    [LoggerMessage(721, LogLevel.Warning, "Could not recover the unrecorded pieces of '{Name}' from {Path} ({Reason}); they will be downloaded again")]
    public static partial void RecoveryFailed(ILogger logger, string name, string path, string reason);

    [LoggerMessage(722, LogLevel.Debug, "The file system does not report the written ranges of {Path}; read all {Checked} unrecorded pieces to find those written before a crash")]
    public static partial void DataRangesUnknown(ILogger logger, string path, int @checked);

    [LoggerMessage(127, LogLevel.Warning, "{Damaged} of the {Recorded} pieces of '{Name}' ({Id}) recorded as verified no longer match the manifest (their bytes in {Path} changed after they were verified: lost writes, bit rot or another program); they will be fetched again")]
    public static partial void DamagedPieces(ILogger logger, string name, string id, int damaged, int recorded, string path);

    [LoggerMessage(128, LogLevel.Information, "{Path} is {Actual} bytes long instead of {Expected}; keeping every piece that still matches the manifest")]
    public static partial void PartResized(ILogger logger, string path, long actual, long expected);

    [LoggerMessage(129, LogLevel.Information, "Another process has the download locked by {Path} open; leaving it to that process")]
    public static partial void DownloadLockedElsewhere(ILogger logger, string path);

    [LoggerMessage(131, LogLevel.Information, "Removed the download of '{Name}' ({Id}): it ended with no verified piece, so nothing is kept on disk")]
    public static partial void ReleasedEmpty(ILogger logger, string name, string id);

    [LoggerMessage(133, LogLevel.Information, "Removed the unfinished download of '{Name}' ({Id}, {Verified} of {Pieces} pieces): {Reason}")]
    public static partial void DiscardedStale(ILogger logger, string name, string id, int verified, int pieces, string reason);

    [LoggerMessage(134, LogLevel.Information, "'{Name}' is already here: shared as {Own}, it is {Network} in the network's pieces of {PieceLength} bytes, and is shared as that from now on")]
    public static partial void Rehashed(ILogger logger, string name, string own, string network, int pieceLength);

    [LoggerMessage(135, LogLevel.Warning, "Sharing both '{First}' and '{Second}', which differ only in case or Unicode normalization: on Windows or macOS they are one name, so a peer there saves the second as a numbered copy")]
    public static partial void Lookalikes(ILogger logger, string first, string second);

    [LoggerMessage(132, LogLevel.Warning, "No longer sharing '{Name}' ({Id}): {Reason}; `update` shares what is there now")]
    public static partial void ForgotGone(ILogger logger, string name, string id, string reason);

    [LoggerMessage(723, LogLevel.Debug, "Checked {Checked} pieces of '{Name}' ({Id}) against the manifest on reopening it, in {Milliseconds} ms")]
    public static partial void PartChecked(ILogger logger, string name, string id, int @checked, long milliseconds);

    [LoggerMessage(130, LogLevel.Warning, "Could not remove {Path}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string path, string reason);

    [LoggerMessage(724, LogLevel.Debug, "Placed {Placed} of {Files} whole files in {Folders} folders in {Milliseconds} ms (one flush for the batch)")]
    public static partial void BatchPlaced(ILogger logger, int placed, int files, int folders, long milliseconds);
}
