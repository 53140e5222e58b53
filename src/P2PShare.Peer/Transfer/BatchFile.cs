using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Transfer;

/// <summary>
/// One small file of a folder fetched by the <see cref="FolderBatch"/>: one piece, so its id alone
/// verifies it (PROTOCOL.md §9) and no manifest is asked for. Taken by one holder at a time; a holder
/// that fails it is never asked for it again.
/// </summary>
internal sealed class BatchFile(string name, FileId id, long length, int pieceLength, Action<DownloadResult> completed)
{
    private const int Free = 0, Taken = 1, Finished = 2;
    private readonly HashSet<HolderAddress> _failedAt = [];
    private int _state;

    public string Name { get; } = name;

    public FileId Id { get; } = id;

    public long Length { get; } = length;

    public int PieceLength { get; } = pieceLength;

    /// <summary>Its holders, as the tracker listed them (empty until looked up, or when nobody has it).</summary>
    public IReadOnlyList<HolderEntry> Holders { get; set; } = [];

    public bool IsDone => Volatile.Read(ref _state) == Finished;

    /// <summary>Claims the file for <paramref name="holder"/>: false when another has it, it is done, or this holder failed it.</summary>
    public bool TryTake(HolderAddress holder)
    {
        lock (_failedAt)
        {
            if (_failedAt.Contains(holder))
                return false;
        }
        return Interlocked.CompareExchange(ref _state, Taken, Free) == Free;
    }

    /// <summary>The holder could not give it (or gave a wrong one): free for the others, never again from this one.</summary>
    public void Failed(HolderAddress holder)
    {
        lock (_failedAt)
            _failedAt.Add(holder);
        Release();
    }

    /// <summary>Free again, without blaming the holder (stopped, or the connection went).</summary>
    public void Release() => Interlocked.CompareExchange(ref _state, Free, Taken);

    /// <summary>
    /// The manifest <paramref name="data"/> would have as this whole file, when it is this file: its
    /// length and the id of (length, piece length, its hash) must match; null otherwise.
    /// </summary>
    public Manifest? Verify(ReadOnlySpan<byte> data)
    {
        if (data.Length != Length)
            return null;
        var manifest = Manifest.Create(Length, PieceLength, System.Security.Cryptography.SHA256.HashData(data));
        return manifest.Id == Id ? manifest : null;
    }

    /// <summary>Placed and durable: reports it (once).</summary>
    public void Complete(DownloadResult result)
    {
        if (Interlocked.Exchange(ref _state, Finished) != Finished)
            completed(result);
    }
}
