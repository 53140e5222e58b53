using System.Buffers;
using System.Net.Sockets;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>
/// What a <see cref="IPieceSource"/> answers to a piece request: the piece's bytes in memory, a
/// region of a file the kernel sends without a copy, or an error reply. Disposing returns what it holds.
/// </summary>
public sealed class PieceAnswer : IAsyncDisposable
{
    private readonly FileRegion? _region;
    private byte[]? _buffer; // rented from the shared pool

    private PieceAnswer(ErrorReply? error, FileRegion? region, byte[]? buffer, int length)
    {
        Error = error;
        _region = region;
        _buffer = buffer;
        Length = length;
    }

    /// <summary>The error to answer instead of the piece; null when there is a piece.</summary>
    public ErrorReply? Error { get; }

    /// <summary>The piece's length (0 for an error).</summary>
    public int Length { get; }

    /// <summary>The piece's bytes when they are in memory; empty for a file region or an error.</summary>
    public Span<byte> Bytes => _buffer is null ? [] : _buffer.AsSpan(0, Length);

    /// <summary>An error reply (<see cref="ErrorCodes"/>) with <paramref name="text"/>.</summary>
    public static PieceAnswer Refuse(string code, string text) => new(new ErrorReply(code, text), null, null, 0);

    /// <summary>The first <paramref name="length"/> bytes of <paramref name="rented"/>, a buffer from <see cref="ArrayPool{T}.Shared"/> it now owns.</summary>
    public static PieceAnswer FromPool(byte[] rented, int length) => new(null, null, rented, length);

    /// <summary>The piece as an open region of a file, which it now owns.</summary>
    public static PieceAnswer FromRegion(FileRegion region) => new(null, region, null, region.Count);

    /// <summary>This answer with its bytes in memory (a file region is read and closed); an error stays as it is.</summary>
    public async ValueTask<PieceAnswer> InMemoryAsync(CancellationToken cancellationToken)
    {
        if (_region is null)
            return this;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Length);
        try
        {
            await _region.ReadAsync(buffer.AsMemory(0, Length), cancellationToken);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
        await _region.DisposeAsync();
        return FromPool(buffer, Length);
    }

    /// <summary>Sends the answer to <paramref name="request"/> on <paramref name="channel"/> (whose socket is <paramref name="socket"/>).</summary>
    public async ValueTask SendAsync(MessageChannel channel, Socket socket, GetPiece request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(request);
        if (Error is { } error)
            await channel.ReplyAsync(request, error, default, cancellationToken);
        else if (_region is not null)
            await channel.ReplyAsync(request, new PieceReply(request.File, request.Piece), Length, _region.SenderOn(socket), cancellationToken);
        else
            await channel.ReplyAsync(request, new PieceReply(request.File, request.Piece), _buffer.AsMemory(0, Length), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_region is not null)
            await _region.DisposeAsync();
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
            ArrayPool<byte>.Shared.Return(buffer);
    }
}
