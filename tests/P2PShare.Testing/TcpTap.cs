using System.Net;

namespace P2PShare.Testing;

/// <summary>
/// A loopback TCP forwarder that sits between a client and a server, keeps a copy of every byte
/// both ways, and can flip one byte of what the server sends: a wire-tapper and an injector in one.
/// </summary>
public sealed class TcpTap : IAsyncDisposable
{
    private readonly MemoryStream _recorded = new();
    private readonly TcpRelay _relay;
    private long _flipAt = -1;
    private long _downstream;

    private TcpTap(IPEndPoint target) => _relay = TcpRelay.Start(target, OnChunk);

    /// <summary>The port clients connect to instead of the target's.</summary>
    public int Port => _relay.Port;

    /// <summary>Starts forwarding to <paramref name="target"/>.</summary>
    public static TcpTap Start(IPEndPoint target) => new(target);

    /// <summary>Flips (xor 0xff) the byte at <paramref name="offset"/> of all the bytes the server sends, counted across connections; once.</summary>
    public void FlipServerByteAt(long offset) => Interlocked.Exchange(ref _flipAt, offset);

    /// <summary>Connections forwarded so far.</summary>
    public int Connections => _relay.Connections;

    /// <summary>True once the flip happened.</summary>
    public bool Flipped => Interlocked.Read(ref _flipAt) == -2;

    /// <summary>Everything that passed, both directions, in arrival order.</summary>
    public byte[] Recorded()
    {
        lock (_recorded)
            return _recorded.ToArray();
    }

    private bool OnChunk(Span<byte> chunk, bool toServer)
    {
        if (!toServer)
            FlipIfDue(chunk);
        lock (_recorded)
            _recorded.Write(chunk);
        return true;
    }

    private void FlipIfDue(Span<byte> chunk)
    {
        long start = Interlocked.Add(ref _downstream, chunk.Length) - chunk.Length;
        long at = Interlocked.Read(ref _flipAt);
        if (at >= start && at < start + chunk.Length && Interlocked.CompareExchange(ref _flipAt, -2, at) == at)
            chunk[(int)(at - start)] ^= 0xff;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _relay.DisposeAsync();
        _recorded.Dispose();
    }
}
