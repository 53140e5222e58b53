using P2PShare.Peer.Network;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// The holders of a <see cref="FolderBatch"/>'s files: <c>who_has_many</c> in chunks (a small first one,
/// so the transfer starts at once), each chunk's holders set to work as its answer comes; from a tracker
/// that does not know it (it answers <c>unknown_type</c>), pipelined <c>who_has</c>, one per file.
/// </summary>
internal sealed class BatchLookup(Func<FileId, FileShape, CancellationToken, Task<Holders?>> whoHas, Func<IReadOnlyList<ShapedFile>, CancellationToken, Task<HoldersMany?>> whoHasMany)
{
    /// <summary>who_has requests in flight on the tracker connection at once (a tracker without who_has_many).</summary>
    public const int LookupsInFlight = 32;

    /// <summary>Files per who_has_many after the first: one round trip for this many instead of one each.</summary>
    public const int FilesPerLookup = 250;

    /// <summary>Files in the first who_has_many: few, so the holders are known and the transfer starts at once.</summary>
    public const int FirstLookupFiles = 25;

    /// <summary>Sets each file's holders and hands it to <paramref name="found"/>; a file left without holders goes the ordinary way.</summary>
    public async Task RunAsync(IReadOnlyList<BatchFile> files, Action<BatchFile> found, CancellationToken stop)
    {
        int next = 0;
        while (next < files.Count)
        {
            var chunk = files.Skip(next).Take(next == 0 ? FirstLookupFiles : FilesPerLookup).ToList();
            HoldersMany? reply;
            try
            {
                reply = await whoHasMany([.. chunk.Select(f => new ShapedFile(f.Id, new FileShape(f.Length, f.PieceLength)))], stop);
            }
            catch (Exception e) when (e is PeerCommandException || HolderSwarm.IsConnectionFault(e))
            {
                next += chunk.Count; // left without holders: the ordinary path asks again, and says why if it still cannot
                continue;
            }
            if (reply is null)
            {
                await LookUpEachAsync(files.Skip(next).ToList(), found, stop);
                return;
            }
            for (int i = 0; i < reply.Files.Count; i++)
            {
                chunk[i].Holders = [.. reply.HoldersOf(i)];
                found(chunk[i]);
            }
            next += Math.Max(1, reply.Files.Count); // an empty answer is no answer: that file goes the ordinary way
        }
    }

    // Pipelined who_has: LookupsInFlight at once on the one tracker connection, not a round trip each.
    private async Task LookUpEachAsync(IReadOnlyList<BatchFile> files, Action<BatchFile> found, CancellationToken stop)
    {
        using var slots = new SemaphoreSlim(LookupsInFlight);
        await Task.WhenAll(files.Select(async file =>
        {
            await slots.WaitAsync(stop);
            try
            {
                file.Holders = (await whoHas(file.Id, new FileShape(file.Length, file.PieceLength), stop))?.Peers ?? [];
                found(file); // its holders start on it while the others are looked up
            }
            catch (Exception e) when (e is PeerCommandException || HolderSwarm.IsConnectionFault(e))
            {
                file.Holders = []; // the ordinary path asks again, and says why if it still cannot
            }
            finally
            {
                slots.Release();
            }
        }));
    }
}
