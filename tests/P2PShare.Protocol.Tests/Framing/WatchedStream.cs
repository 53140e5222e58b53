namespace P2PShare.Protocol.Tests.Framing;

/// <summary>
/// A stream that tells a test when its reader has taken a given number of bytes and asked for more:
/// the reader has then done everything it does on those bytes (started a frame's deadline, grown its
/// buffer) and waits. Lets a test act at that point instead of guessing with sleeps.
/// </summary>
internal sealed class WatchedStream(Stream inner) : Stream
{
    private readonly Lock _lock = new();
    private readonly List<(long Bytes, TaskCompletionSource Reached)> _waiters = [];
    private long _delivered;

    /// <summary>Completes when a read starts after at least <paramref name="bytes"/> have been delivered.</summary>
    public Task WaitingAfterAsync(long bytes)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
            _waiters.Add((bytes, reached));
        return reached.Task;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var waiter in _waiters.Where(w => _delivered >= w.Bytes).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
        int read = await inner.ReadAsync(buffer, cancellationToken);
        lock (_lock)
            _delivered += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
