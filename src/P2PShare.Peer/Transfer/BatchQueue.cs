namespace P2PShare.Peer.Transfer;

/// <summary>
/// The files one holder of a <see cref="FolderBatch"/> may be asked for. Filled while the other
/// files' holders are still being looked up, so the holder's requests start with the first file found;
/// its lanes wait for more until <see cref="Close"/> says no more will come.
/// </summary>
internal sealed class BatchQueue : IDisposable
{
    private readonly Queue<BatchFile> _files = new();
    private readonly SemaphoreSlim _added = new(0);
    private volatile bool _closed;

    /// <summary>Adds a file (found now, or given back by another holder).</summary>
    public void Add(BatchFile file)
    {
        lock (_files)
            _files.Enqueue(file);
        _added.Release();
    }

    /// <summary>Every file has been looked up: lanes that find the queue empty end (each of <paramref name="lanes"/> is woken to see it).</summary>
    public void Close(int lanes)
    {
        _closed = true;
        _added.Release(lanes);
    }

    /// <summary>The next file <paramref name="holder"/> may take; null when none is left and none will come.</summary>
    public async Task<BatchFile?> NextAsync(HolderAddress holder, CancellationToken cancellationToken)
    {
        while (true)
        {
            bool closed = _closed; // read before looking: a file added before the close is seen below
            lock (_files)
            {
                while (_files.TryDequeue(out var file))
                {
                    if (file.TryTake(holder))
                        return file;
                }
            }
            if (closed)
                return null;
            await _added.WaitAsync(cancellationToken);
        }
    }

    public void Dispose() => _added.Dispose();
}
