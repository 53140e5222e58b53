using System.Buffers;
using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// Finds the pieces a crash wrote into a <c>.part</c> but did not record yet (the state is rewritten
/// at most once per persist interval): each piece the state does not list whose bytes are present is
/// hashed against the manifest and counted only if it matches, so bytes are never trusted unhashed.
/// </summary>
internal static class PartRecovery
{
    /// <summary>
    /// Adds to <paramref name="verified"/> every unlisted piece of <paramref name="handle"/> whose bytes
    /// match <paramref name="manifest"/>. Only pieces overlapping a data range
    /// (<see cref="DataRanges"/>) are read. Where the file system cannot report data ranges, every
    /// unlisted piece is read: that costs one read of the missing part of the file per resume, but a
    /// crash then still loses only the pieces in flight, which is what the state exists to promise.
    /// </summary>
    public static RecoveryOutcome Recover(SafeFileHandle handle, Manifest manifest, PieceSet verified, string path)
    {
        var ranges = DataRanges.TryFind(handle, manifest.Length);
        var candidates = ranges is null ? AllMissing(verified) : Overlapping(ranges, manifest, verified);
        int recovered = 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(manifest.PieceLength);
        try
        {
            foreach (int piece in candidates)
            {
                var data = buffer.AsSpan(0, manifest.PieceSize(piece));
                FileHasher.ReadExactly(handle, data, manifest.PieceOffset(piece), path);
                if (manifest.Verify(piece, data) && verified.Add(piece))
                    recovered++;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return new RecoveryOutcome(candidates.Count, recovered, ranges is not null);
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
