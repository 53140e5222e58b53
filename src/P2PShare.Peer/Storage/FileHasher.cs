using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>Builds a file's manifest: the SHA-256 of every piece, read with positional I/O into a pooled buffer.</summary>
internal static class FileHasher
{
    /// <summary>
    /// Hashes the first <paramref name="length"/> bytes of <paramref name="path"/> in pieces of
    /// <paramref name="pieceLength"/>. Throws <see cref="IOException"/> if the file is shorter
    /// (it changed since it was listed).
    /// </summary>
    public static Manifest Hash(string path, long length, int pieceLength, CancellationToken cancellationToken)
    {
        int count = Manifest.CountPieces(length, pieceLength);
        byte[] hashes = new byte[count * Manifest.HashLength];
        byte[] buffer = ArrayPool<byte>.Shared.Rent(count == 0 ? 0 : pieceLength);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            for (int i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int size = Manifest.PieceSize(length, pieceLength, i);
                var piece = buffer.AsSpan(0, size);
                ReadExactly(handle, piece, (long)i * pieceLength, path);
                SHA256.HashData(piece, hashes.AsSpan(i * Manifest.HashLength, Manifest.HashLength));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Manifest.Create(length, pieceLength, hashes);
    }

    /// <summary>True when <paramref name="path"/> holds exactly the content <paramref name="manifest"/> describes; false if not or unreadable.</summary>
    public static bool Matches(string path, Manifest manifest)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(manifest.PieceCount == 0 ? 0 : manifest.PieceLength);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            if (RandomAccess.GetLength(handle) != manifest.Length)
                return false;
            for (int i = 0; i < manifest.PieceCount; i++)
            {
                var piece = buffer.AsSpan(0, manifest.PieceSize(i));
                ReadExactly(handle, piece, manifest.PieceOffset(i), path);
                if (!manifest.Verify(i, piece))
                    return false;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; <see cref="IOException"/> at a premature end.</summary>
    public static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset, string path)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int read = RandomAccess.Read(handle, destination[done..], offset + done);
            if (read == 0)
                throw new IOException($"'{Path.GetFileName(path)}' ends at {offset + done} bytes, before the {destination.Length}-byte piece at {offset} (it changed on disk)");
            done += read;
        }
    }
}
