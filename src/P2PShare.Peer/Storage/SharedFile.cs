using Microsoft.Win32.SafeHandles;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Storage;

/// <summary>
/// A complete file in the repository folder (shared, or a finished download): read-only, served
/// piece by piece, and checked against the stamp it had when hashed before its bytes go out.
/// </summary>
public sealed class SharedFile : HeldFile
{
    private readonly Lock _gate = new();
    private SafeFileHandle? _handle; // guarded by _gate; opened on first read
    private bool _disposed;          // guarded by _gate

    /// <summary>The complete file <paramref name="name"/> at <paramref name="path"/>, as it was when <paramref name="stamp"/> was taken (null: unknown).</summary>
    internal SharedFile(string name, string path, Manifest manifest, FileStamp? stamp)
        : base(manifest)
    {
        Name = name;
        Path = path;
        Stamp = stamp;
    }

    /// <summary>Where the file is (absolute).</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>
    /// The stamp the file had when its manifest was made (null where unknown): a file whose stamp
    /// differs now was changed, or replaced, behind our back.
    /// </summary>
    internal FileStamp? Stamp { get; }

    /// <inheritdoc />
    public override bool IsComplete => true;

    /// <inheritdoc />
    public override string FinalPath => Path;

    /// <inheritdoc />
    public override int VerifiedCount => Manifest.PieceCount;

    /// <inheritdoc />
    public override PieceSet Snapshot() => PieceSet.Full(Manifest.PieceCount);

    /// <inheritdoc />
    public override bool Has(int piece) => piece >= 0 && piece < Manifest.PieceCount;

    /// <summary>
    /// Why the file can no longer be served as its manifest says: deleted, or changed since it was
    /// hashed (its stamp differs); null while it is as it was. A stat per call: cheap next to a
    /// piece, and the only way to notice an edit before sending its bytes.
    /// </summary>
    internal string? CheckOnDisk()
    {
        try
        {
            var now = FileStamp.Of(Path);
            if (Stamp is { } was && now != was)
                return now.Length != was.Length
                    ? $"{Path} changed on disk since it was hashed ({was.Length} bytes then, {now.Length} now)"
                    : $"{Path} changed on disk since it was hashed";
            return null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return $"{Path} was deleted";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{Path} cannot be read any more ({e.Message})";
        }
    }

    /// <inheritdoc />
    public override int ReadPiece(int piece, Span<byte> destination)
    {
        int size = CheckRead(piece, destination);
        SafeFileHandle handle;
        try
        {
            handle = AcquireHandle();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"cannot read piece {piece} of '{Name}' from {Path}: {e.Message}", e);
        }
        return ReadFrom(handle, Path, piece, size, destination);
    }

    /// <inheritdoc />
    public override bool TryLocatePiece(int piece, out string path, out long offset, out int size) =>
        Locate(Path, piece, out path, out offset, out size);

    /// <inheritdoc />
    public override void Dispose()
    {
        CloseHandle(_gate, ref _handle, ref _disposed);
    }

    private SafeFileHandle AcquireHandle()
    {
        lock (_gate)
        {
            if (_disposed)
                throw new StorageException($"'{Name}' is closed");
            return _handle ??= File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
    }
}
