using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Checks a reopened <c>.part</c> against its manifest, so that nothing the state file says is
/// trusted unhashed. Every piece the state records is hashed again: its bytes may have changed since
/// it was verified (writes the disk acknowledged and then lost, bit rot, another program), and a
/// piece that no longer matches is dropped and fetched again. Every piece the state does not list
/// but whose bytes are present (a crash came between writing it and the next state write, which
/// comes at most once per persist interval) is hashed too and kept if it matches.
/// </summary>
/// <remarks>
/// The cost is one read and SHA-256 of the downloaded part of the file per reopen, on up to two
/// threads (the <c>resume</c> benchmark, docs/BENCHMARKS.md); it buys the promise that a peer never
/// announces, serves or completes a piece that did not match its manifest in this process.
/// </remarks>
internal static class PartRecovery
{
    private const int ChunkPieces = 16; // each worker reads runs of neighbouring pieces, so reads stay sequential

    /// <summary>
    /// Rechecks <paramref name="verified"/> (the recorded pieces, updated in place) against
    /// <paramref name="handle"/>: removes recorded pieces whose bytes no longer match and adds
    /// unrecorded ones that do. Only unrecorded pieces overlapping a data range (<see cref="DataRanges"/>)
    /// are read; where the file system cannot tell, every unrecorded piece is. A piece that cannot be
    /// read counts as not matching.
    /// </summary>
    public static RecoveryOutcome Check(SafeFileHandle handle, Manifest manifest, PieceSet verified, string path)
    {
        var ranges = DataRanges.TryFind(handle, manifest.Length);
        var candidates = verified.Indices().Concat(ranges is null ? AllMissing(verified) : Overlapping(ranges, manifest, verified)).Order().ToArray();
        var matches = new bool[candidates.Length];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 1, 2) };
        if (candidates.Length > 0) // the partitioner refuses an empty range
            Parallel.ForEach(Partitioner.Create(0, candidates.Length, ChunkPieces), options, chunk =>
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(manifest.PieceLength);
                try
                {
                    for (int i = chunk.Item1; i < chunk.Item2; i++)
                        matches[i] = Matches(handle, manifest, candidates[i], buffer, path);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            });

        int recovered = 0, damaged = 0;
        for (int i = 0; i < candidates.Length; i++)
        {
            int piece = candidates[i];
            if (matches[i] && verified.Add(piece))
                recovered++;
            else if (!matches[i] && verified.Remove(piece))
                damaged++;
        }
        return new RecoveryOutcome(candidates.Length, recovered, damaged, ranges is not null);
    }

    private static bool Matches(SafeFileHandle handle, Manifest manifest, int piece, byte[] buffer, string path)
    {
        var data = buffer.AsSpan(0, manifest.PieceSize(piece));
        try
        {
            FileHasher.ReadExactly(handle, data, manifest.PieceOffset(piece), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // unreadable (a bad sector, a file cut short): fetched again
        }
        return manifest.Verify(piece, data);
    }

    private static List<int> AllMissing(PieceSet verified)
    {
        var missing = new List<int>(verified.Count - verified.Present);
        for (int piece = 0; piece < verified.Count; piece++)
        {
            if (!verified.Contains(piece))
                missing.Add(piece);
        }
        return missing;
    }

    private static List<int> Overlapping(List<(long Start, long End)> ranges, Manifest manifest, PieceSet verified)
    {
        var pieces = new List<int>();
        int next = 0; // ranges are ordered, so each piece is considered once
        foreach (var (start, end) in ranges)
        {
            int first = Math.Max(next, (int)(start / manifest.PieceLength));
            int last = (int)((end - 1) / manifest.PieceLength);
            for (int piece = first; piece <= last && piece < manifest.PieceCount; piece++)
            {
                if (!verified.Contains(piece))
                    pieces.Add(piece);
            }
            next = Math.Max(next, last + 1);
        }
        return pieces;
    }
}
