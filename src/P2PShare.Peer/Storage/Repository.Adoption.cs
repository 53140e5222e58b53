using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

// Adoption: a file already on disk under its own (or its numbered) name becomes held as the content
// the network names, without a scan of the folder and whatever piece length our own scan hashed it in.
public sealed partial class Repository
{
    /// <summary>
    /// Takes the file fetched as <paramref name="name"/> into the repository if it is there and its
    /// content is <paramref name="expected"/> (<paramref name="length"/> bytes; from the manifest cache
    /// while its stamp is unchanged, else hashed in pieces of <paramref name="pieceLength"/>), under
    /// that name or, when other content had it, under the numbered name the final placement gave it.
    /// A file our own scan holds under another id only because it chose another piece length is held
    /// under the network's id from then on (the cache remembers it so), not fetched again. True if
    /// the repository now holds <paramref name="expected"/> complete.
    /// </summary>
    public async Task<bool> AdoptAsync(string name, FileId expected, long length, int pieceLength, CancellationToken cancellationToken)
    {
        if (TryGet(expected, out var held) && held is { IsComplete: true })
            return true;
        if (RepositoryPath.SaveNameProblem(name) is not null)
            return false; // never a path: the download refuses it with the reason
        foreach (string saved in FinalPlacement.SavedNames(Root, name))
        {
            if (await AdoptOneAsync(saved, expected, length, pieceLength, cancellationToken))
                return true;
        }
        return false;
    }

    private async Task<bool> AdoptOneAsync(string name, FileId expected, long length, int pieceLength, CancellationToken cancellationToken)
    {
        string path = RepositoryPath.Combine(Root, name);
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || info.Length != length)
            return false; // (SavedNames passed no name whose folders are links: those lie outside the repository)
        await _scanGate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfDisposed();
            if (FileStamp.NotRegular(path) is not null)
                return false; // never opened: a named pipe would block the hashing
            var found = new ShareScan.Found(name, path, FileStamp.Of(path));
            _cache.FillIn([found]);
            // Hashed in other pieces (our scan's own policy): that manifest can never be the expected id.
            bool otherPieces = found.Manifest is { } cached && cached.Id != expected && cached.PieceLength != pieceLength;
            if (otherPieces)
                found.Manifest = null;
            if (found.Manifest is null && !await Task.Run(() => ShareScan.Hash(found, pieceLength, _logger, cancellationToken), cancellationToken))
                return false;
            if (found.Manifest is not { } manifest)
                return false;
            if (manifest.Id != expected)
            {
                if (!otherPieces)
                    _cache.Remember(name, found.Stamp, manifest); // another file's: the next `get` passes it without hashing
                return false; // (one our scan shares keeps the id it is shared under)
            }
            _cache.Remember(name, found.Stamp, manifest, replace: otherPieces); // so every later scan shares it under this id
            HeldFile? replaced = null;
            lock (_openGate)
            {
                lock (_gate)
                {
                    // The same file, held under the id of our own piece length: one file, one id, the network's.
                    replaced = _files.Values.FirstOrDefault(f => f is SharedFile && f.Id != expected && f.FinalPath == path);
                    if (replaced is not null)
                        _files.Remove(replaced.Id);
                }
                if (!TryGet(expected, out _))
                    Register(new SharedFile(name, path, manifest, found.Stamp));
            }
            if (replaced is not null)
            {
                StorageLog.Rehashed(_logger, name, replaced.Id.ShortText, expected.ShortText, pieceLength);
                replaced.Dispose();
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
