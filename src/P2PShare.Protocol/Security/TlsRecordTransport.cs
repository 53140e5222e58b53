using System.Buffers;
using P2PShare.Protocol.Framing;

namespace P2PShare.Protocol.Security;

/// <summary>
/// What <see cref="System.Net.Security.SslStream"/> runs on: the network stream with reads taken in
/// large gulps and, once the handshake is done, writes gathered until the frame is flushed. SslStream
/// asks its stream for about one TLS record (16 KiB) at a time, with a zero-byte read before each, and
/// writes every record separately: a 256 KiB piece cost some 34 receive and 17 send calls, each a
/// wake-up on the other side. Here a piece takes a few of each (docs/BENCHMARKS.md, <c>wire</c>).
/// The buffers are pooled, held only while they hold bytes, and charged to the frame memory budget
/// when there is one; when the budget is full, bytes pass straight through instead.
/// </summary>
internal sealed class TlsRecordTransport(Stream inner, FrameMemoryBudget? budget) : PassThroughStream
{
    /// <summary>Bytes asked of the network per read.</summary>
    internal const int ReadLength = 64 * 1024;

    /// <summary>
    /// Most bytes gathered before a write goes out: eight full TLS 1.3 records (16 KiB of data, 22 bytes
    /// of header, tag and type), so a 256 KiB piece goes out in two sends.
    /// </summary>
    internal const int WriteLength = 8 * (16 * 1024 + 22);

    private byte[]? _read;
    private int _readStart;
    private int _readEnd;
    private byte[]? _write;
    private int _written;
    private int _disposed;

    /// <summary>Gather writes until <see cref="FlushAsync(CancellationToken)"/>; off during the handshake, which flushes nothing.</summary>
    public bool GatherWrites { get; set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_read is { } held)
            return TakeBuffered(held, buffer.Span);
        // A zero-byte read waits for data without holding a buffer, as SslStream means it to; so does one too large to gain.
        if (buffer.Length == 0 || buffer.Length >= ReadLength || Rent(ReadLength) is not { } fresh)
            return await inner.ReadAsync(buffer, cancellationToken);
        int n;
        try
        {
            n = await inner.ReadAsync(fresh.AsMemory(0, ReadLength), cancellationToken);
        }
        catch
        {
            Return(fresh);
            throw;
        }
        if (n == 0 || Volatile.Read(ref _disposed) != 0)
        {
            Return(fresh);
            ObjectDisposedException.ThrowIf(n != 0, this);
            return 0;
        }
        (_read, _readStart, _readEnd) = (fresh, 0, n);
        return TakeBuffered(fresh, buffer.Span);
    }

    private int TakeBuffered(byte[] held, Span<byte> destination)
    {
        int n = Math.Min(destination.Length, _readEnd - _readStart);
        held.AsSpan(_readStart, n).CopyTo(destination);
        _readStart += n;
        if (_readStart == _readEnd)
        {
            _read = null;
            Return(held);
        }
        return n;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!GatherWrites)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }
        if (_written + buffer.Length > WriteLength)
            await SendGatheredAsync(cancellationToken);
        if (buffer.Length >= WriteLength || (_write ??= Rent(WriteLength)) is not { } gathering)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            return;
        }
        buffer.Span.CopyTo(gathering.AsSpan(_written));
        _written += buffer.Length;
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendGatheredAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    private async ValueTask SendGatheredAsync(CancellationToken cancellationToken)
    {
        if (_write is not { } gathered || _written == 0)
            return;
        int length = _written;
        _written = 0; // a failed write ends the connection: nothing gathered is worth sending after it
        _write = null;
        try
        {
            await inner.WriteAsync(gathered.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            Return(gathered);
        }
    }

    // Charged by the array's length, which is what Return gives back.
    private byte[]? Rent(int length)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        if (budget is null || budget.TryReserve(buffer.Length))
            return buffer;
        ArrayPool<byte>.Shared.Return(buffer);
        return null;
    }

    private void Return(byte[] buffer)
    {
        budget?.Release(buffer.Length);
        // After Dispose a buffer may still be in a failing read or write: the GC takes it, not the pool.
        if (Volatile.Read(ref _disposed) == 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Volatile.Write(ref _disposed, 1);
            inner.Dispose();
            // What is still buffered goes to the GC (a read or write in flight may yet touch it); its charge returns now.
            if (Interlocked.Exchange(ref _read, null) is { } read)
                budget?.Release(read.Length);
            if (Interlocked.Exchange(ref _write, null) is { } write)
                budget?.Release(write.Length);
        }
        base.Dispose(disposing);
    }
}
