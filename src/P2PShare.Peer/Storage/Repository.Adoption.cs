using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

// Adoption: a file already on disk under its own (or its numbered) name becomes held without a scan of the folder.
public sealed partial class Repository
{
    /// <summary>
    /// Takes the file fetched as <paramref name="name"/> into the repository if it is there and its
    /// content is <paramref name="expected"/> (from the manifest cache while its stamp is unchanged,
    /// else hashed in pieces of <paramref name="pieceLength"/>), under that name or, when other content
    /// had it, under the numbered name the final placement gave it. For a repository whose other files
    /// are not shared (a plain <c>get</c> into the current folder): a file already fetched is found
    /// without a scan of the whole folder. True if the repository now holds it complete.
    /// </summary>
    public async Task<bool> AdoptAsync(string name, FileId expected, int pieceLength, CancellationToken cancellationToken)
    {
        if (TryGet(expected, out var held) && held is { IsComplete: true })
            return true;
        if (RepositoryPath.SaveNameProblem(name) is not null)
            return false; // never a path: the download refuses it with the reason
        foreach (string saved in FinalPlacement.SavedNames(Root, name))
        {
            if (await AdoptOneAsync(saved, expected, pieceLength, cancellationToken))
                return true;
        }
        return false;
    }

    private async Task<bool> AdoptOneAsync(string name, FileId expected, int pieceLength, CancellationToken cancellationToken)
    {
        string path = RepositoryPath.Combine(Root, name);
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
            return false; // (SavedNames passed no name whose folders are links: those lie outside the repository)
        await _scanGate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            if (FileStamp.NotRegular(path) is not null)
                return false; // never opened: a named pipe would block the hashing
            var found = new ShareScan.Found(name, path, FileStamp.Of(path));
            _cache.FillIn([found]);
            if (found.Manifest is null && !await Task.Run(() => ShareScan.Hash(found, pieceLength, _logger, cancellationToken), cancellationToken))
                return false;
            if (found.Manifest is not { } manifest)
                return false;
            _cache.Remember(name, found.Stamp, manifest); // also another file's: the next `get` passes it without hashing
            if (manifest.Id != expected)
                return false;
            lock (_openGate)
            {
                if (!TryGet(expected, out _))
                    Register(new SharedFile(name, path, manifest, found.Stamp));
            }
            return true;
        }
        catch (IOException e)
        {
            StorageLog.SkippedFile(_logger, name, $"its attributes cannot be read ({e.Message})");
            return false;
        }
        finally
        {
            _scanGate.Release();
        }
    }
}
