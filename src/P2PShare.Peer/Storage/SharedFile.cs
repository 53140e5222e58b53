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
    private FileStamp? _stamp;       // guarded by _gate; the stamp under which the bytes are known to be the manifest's
    private FileStamp? _doubted;     // guarded by _gate; a later stamp of the same length and inode
    private PieceSet? _reverified;   // guarded by _gate; the pieces hashed again under _doubted

    /// <summary>The complete file <paramref name="name"/> at <paramref name="path"/>, as it was when <paramref name="stamp"/> was taken (null: unknown).</summary>
    internal SharedFile(string name, string path, Manifest manifest, FileStamp? stamp)
        : base(manifest)
    {
        Name = name;
        Path = path;
        _stamp = stamp;
    }

    /// <summary>Where the file is (absolute).</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override string Name { get; }

    /// <summary>
    /// The stamp the file had when its manifest was made, or when every piece was last verified again
    /// (null where unknown): a file whose stamp differs now was touched, changed or replaced behind our back.
    /// </summary>
    internal FileStamp? Stamp
    {
        get
        {
            lock (_gate)
                return _stamp;
        }
    }

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
    /// Whether the file is still as it was hashed, before a piece of it is served: a stat per call,
    /// cheap next to a piece, and the only way to notice an edit before sending its bytes. A change of
    /// times alone (a hard link, <c>chmod</c>, <c>touch</c>) does not stop sharing: the pieces are then
    /// hashed as they are served (<see cref="Reverified"/>). <paramref name="why"/> says why when <see cref="OnDisk.Gone"/>.
    /// </summary>
    internal OnDisk CheckOnDisk(out string? why)
    {
        why = null;
        FileStamp now;
        try
        {
            now = FileStamp.Of(Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            why = $"{Path} was deleted";
            return OnDisk.Gone;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            why = $"{Path} cannot be read any more ({e.Message})";
            return OnDisk.Gone;
        }
        lock (_gate)
        {
            if (_stamp is not { } was || now == was)
                return OnDisk.AsHashed;
            if (now.Length != was.Length)
                why = $"{Path} changed on disk since it was hashed ({was.Length} bytes then, {now.Length} now)";
            else if (now.Inode != was.Inode || now.Device != was.Device)
                why = $"{Path} was replaced by another file since it was hashed"; // our open handle still reads the old one
            if (why is not null)
                return OnDisk.Gone;
            if (_doubted != now)
            {
                _doubted = now;
                _reverified = new PieceSet(Manifest.PieceCount);
            }
            return OnDisk.InDoubt;
        }
    }

    /// <summary>
    /// Records that <paramref name="piece"/>, read while the file was <see cref="OnDisk.InDoubt"/>, hashed
    /// to the manifest's. Once every piece has, under one stamp unchanged since (stat again here, after the
    /// read), that stamp is trusted and pieces go out unhashed again.
    /// </summary>
    internal void Reverified(int piece)
    {
        var now = FileStamp.TryOf(Path);
        lock (_gate)
        {
            if (now is null || now != _doubted || _reverified is null || !_reverified.Add(piece) || !_reverified.IsComplete)
                return;
            _stamp = _doubted;
            (_doubted, _reverified) = (null, null);
        }
    }

    /// <summary>Trusts <paramref name="stamp"/>: a scan found the file under it with this manifest's id.</summary>
    internal void Trust(FileStamp stamp)
    {
        lock (_gate)
        {
            _stamp = stamp;
            (_doubted, _reverified) = (null, null);
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
