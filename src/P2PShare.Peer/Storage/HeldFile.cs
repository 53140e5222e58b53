using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// A file the repository holds: a <see cref="SharedFile"/> (complete, read-only) or a
/// <see cref="PartFile"/> (a download in progress). Both serve their verified pieces.
/// </summary>
public abstract class HeldFile : IDisposable
{
    private protected HeldFile(Manifest manifest)
    {
        Manifest = manifest ?? throw new ArgumentNullException(nameof(manifest));
    }

    /// <summary>The label: the final file name (for a download saved beside a different file of that name, the name it got).</summary>
    public abstract string Name { get; }

    /// <summary>What the file is.</summary>
    public Manifest Manifest { get; }

    /// <summary>The content id, <see cref="Manifest.Id"/>.</summary>
    public FileId Id => Manifest.Id;

    /// <summary>True once every piece is verified and the file sits under its final name.</summary>
    public abstract bool IsComplete { get; }

    /// <summary>Where the complete file is; null while downloading.</summary>
    public abstract string? FinalPath { get; }

    /// <summary>Pieces verified and stored.</summary>
    public abstract int VerifiedCount { get; }

    /// <summary>A copy of the verified pieces.</summary>
    public abstract PieceSet Snapshot();

    /// <summary>True when piece <paramref name="piece"/> is verified and can be read (false for an index out of range).</summary>
    public abstract bool Has(int piece);

    /// <summary>
    /// Copies verified piece <paramref name="piece"/> into <paramref name="destination"/> (at least
    /// <see cref="Manifest.PieceSize(int)"/> bytes) and returns its length. Throws
    /// <see cref="StorageException"/> if the piece is not held or cannot be read.
    /// </summary>
    public abstract int ReadPiece(int piece, Span<byte> destination);

    /// <summary>
    /// Where verified piece <paramref name="piece"/> lies on disk now, so the kernel can send it
    /// without a copy through our memory; false if it is not held. The path changes when a download
    /// completes, so a caller that fails to open it may ask again or fall back to <see cref="ReadPiece"/>.
    /// </summary>
    public abstract bool TryLocatePiece(int piece, out string path, out long offset, out int size);

    /// <summary>Closes the file's handle. A download in progress keeps its state on disk and can be reopened.</summary>
    public abstract void Dispose();

    /// <summary>Throws unless piece <paramref name="piece"/> is held and fits in <paramref name="destination"/>; returns its size.</summary>
    private protected int CheckRead(int piece, Span<byte> destination)
    {
        if (!Has(piece))
            throw new StorageException($"piece {piece} of '{Name}' is not held here");
        int size = Manifest.PieceSize(piece);
        if (destination.Length < size)
            throw new ArgumentException($"the buffer of {destination.Length} bytes is smaller than piece {piece} ({size} bytes)", nameof(destination));
        return size;
    }

    // Marks the file disposed and takes its handle out under its lock, so no reader is handed it afterwards.
    private protected static void CloseHandle(Lock gate, ref SafeFileHandle? handle, ref bool disposed)
    {
        SafeFileHandle? taken;
        lock (gate)
        {
            disposed = true;
            taken = handle;
            handle = null;
        }
        taken?.Dispose();
    }

    /// <summary>Reads piece <paramref name="piece"/> (<paramref name="size"/> bytes) from <paramref name="handle"/> on <paramref name="path"/>.</summary>
    private protected int ReadFrom(SafeFileHandle handle, string path, int piece, int size, Span<byte> destination)
    {
        try
        {
            FileHasher.ReadExactly(handle, destination[..size], Manifest.PieceOffset(piece), path);
            return size;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot read piece {piece} of '{Name}' from {path}: {e.Message}", e);
        }
    }

    /// <summary>Where a held piece lies in <paramref name="dataPath"/>; false if it is not held.</summary>
    private protected bool Locate(string dataPath, int piece, out string path, out long offset, out int size)
    {
        path = dataPath;
        offset = 0;
        size = 0;
        if (!Has(piece))
            return false;
        offset = Manifest.PieceOffset(piece);
        size = Manifest.PieceSize(piece);
        return true;
    }
}
