namespace P2PShare.Protocol.Security;

/// <summary>
/// Passes a stream through and keeps a copy of the first bytes read until <see cref="Stop"/>: when
/// a TLS handshake fails, they show whether the other side answered with a plain refusal frame instead.
/// </summary>
internal sealed class FirstBytesRecorder(Stream inner) : PassThroughStream
{
    private const int Capacity = 4096; // a refusal frame is far smaller
    private readonly MemoryStream _recorded = new();
    private bool _stopped;

    public ReadOnlySpan<byte> Recorded => _recorded.GetBuffer().AsSpan(0, (int)_recorded.Length);

    public void Stop()
    {
        _stopped = true;
        _recorded.SetLength(0);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken);
        if (!_stopped && _recorded.Length < Capacity)
            _recorded.Write(buffer.Span[..Math.Min(n, Capacity - (int)_recorded.Length)]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _recorded.Dispose();
        }
        base.Dispose(disposing);
    }
}
