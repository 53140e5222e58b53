using System.Buffers;
using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Network;

/// <summary>
/// Serves the repository's files: a piece only if it is verified, and a complete file's piece only
/// while the file is as it was hashed (its stamp, checked per piece) or, when only its times moved,
/// after hashing that piece again; a file deleted or changed behind our back is answered not-found
/// and forgotten, so the tracker hears we no longer hold it. Pieces go as file regions (sent without
/// a copy) when the file can be opened, else through memory.
/// </summary>
public sealed class RepositoryPieces(Repository repository) : IPieceSource
{
    private readonly Repository _repository = repository ?? throw new ArgumentNullException(nameof(repository));

    /// <inheritdoc />
    public Manifest? FindManifest(FileId file) => _repository.TryGet(file, out var held) ? held?.Manifest : null;

    /// <inheritdoc />
    public PieceSet? FindPieces(FileId file) => _repository.TryGet(file, out var held) ? held?.Snapshot() : null;

    /// <inheritdoc />
    public ValueTask<PieceAnswer> GetPieceAsync(FileId file, int piece, CancellationToken cancellationToken) => ValueTask.FromResult(GetPiece(file, piece));

    private PieceAnswer GetPiece(FileId id, int piece)
    {
        if (!_repository.TryGet(id, out var file) || file is null)
            return NotFound($"no file {id.ShortText} here");
        if (piece < 0 || piece >= file.Manifest.PieceCount || !file.Has(piece))
            return NotFound($"no piece {piece} of {file.Name} here");
        bool inDoubt = false;
        if (file is SharedFile shared)
        {
            var onDisk = shared.CheckOnDisk(out var gone);
            // Deleted or changed behind our back: never send bytes that are not the manifest's, and stop
            // offering the file, or every fetcher would keep coming back for pieces we cannot give.
            if (onDisk == OnDisk.Gone)
                return Gone(shared, gone!);
            inDoubt = onDisk == OnDisk.InDoubt;
        }
        if (!inDoubt && file.TryLocatePiece(piece, out var path, out long offset, out int length) && FileRegion.TryOpen(path, offset, length) is { } region)
            return PieceAnswer.FromRegion(region);
        byte[]? buffer = ArrayPool<byte>.Shared.Rent(file.Manifest.PieceSize(piece));
        try
        {
            int read = file.ReadPiece(piece, buffer);
            if (inDoubt && file is SharedFile doubted)
            {
                // Hashed from the very bytes that will be sent, so what goes out is the manifest's whatever the stamp says.
                if (!file.Manifest.Verify(piece, buffer.AsSpan(0, read)))
                    return Gone(doubted, $"{doubted.Path} changed on disk since it was hashed (piece {piece} no longer matches)");
                doubted.Reverified(piece);
            }
            var answer = PieceAnswer.FromPool(buffer, read);
            buffer = null;
            return answer;
        }
        catch (StorageException e) when (file is SharedFile vanishing && vanishing.CheckOnDisk(out var vanished) == OnDisk.Gone)
        {
            return Gone(vanishing, $"{vanished} ({e.Message})");
        }
        catch (StorageException e)
        {
            return PieceAnswer.Refuse(ErrorCodes.Failed, e.Message);
        }
        catch (ObjectDisposedException) when (!_repository.TryGet(id, out var now) || !ReferenceEquals(now, file))
        {
            // Forgotten by another connection (or a rescan) while this piece was being read.
            return NotFound($"no file {id.ShortText} here any more");
        }
        finally
        {
            if (buffer is not null)
                ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The fetcher hears not-found (it is not a fault to retry), the repository forgets the file and the
    // tracker hears (through Repository.FileGone) that we no longer hold it.
    private PieceAnswer Gone(SharedFile file, string why)
    {
        _repository.ForgetGone(file, why); // logs its one warning; false when another request got there first
        return NotFound($"no file {file.Id.ShortText} here any more: '{file.Name}' was deleted or changed on this peer");
    }

    private static PieceAnswer NotFound(string text) => PieceAnswer.Refuse(ErrorCodes.NotFound, text);
}
