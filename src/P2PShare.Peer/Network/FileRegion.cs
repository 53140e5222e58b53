using System.Net.Sockets;
using P2PShare.Protocol.Framing;

namespace P2PShare.Peer.Network;

/// <summary>
/// An open region of a file to be sent after a frame head in one socket operation, the file part
/// by <c>sendfile</c> where the OS has it: the bytes go from the page cache to the socket without
/// being copied through our memory. A seeder's CPU was mostly those two copies.
/// </summary>
public sealed class FileRegion : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly long _offset;
    private readonly int _count;

    private FileRegion(FileStream file, long offset, int count)
    {
        _file = file;
        _offset = offset;
        _count = count;
    }

    /// <summary>
    /// Opens <paramref name="count"/> bytes of <paramref name="path"/> from <paramref name="offset"/>;
    /// null if the file cannot be opened or is now shorter (the caller falls back to reading it).
    /// </summary>
    public static FileRegion? TryOpen(string path, long offset, int count)
    {
        FileStream? file = null;
        try
        {
            // Opened per piece rather than kept: a download's .part is renamed when it completes.
            // Asynchronous: SendPacketsElement insists on it (on Linux it only changes how .NET waits).
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.Asynchronous);
            if (file.Length >= offset + count)
            {
                var region = new FileRegion(file, offset, count);
                file = null;
                return region;
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        finally
        {
            file?.Dispose();
        }
    }

    /// <summary>The region's length in bytes.</summary>
    public int Count => _count;

    /// <summary>Reads the region into <paramref name="destination"/> (exactly <see cref="Count"/> bytes): for a wrapper that must see the bytes.</summary>
    public async ValueTask ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < _count)
        {
            int n = await RandomAccess.ReadAsync(_file.SafeFileHandle, destination[read.._count], _offset + read, cancellationToken);
            if (n == 0)
                throw new IOException($"{_file.Name} ended {_count - read} bytes before the piece did");
            read += n;
        }
    }

    /// <summary>A <see cref="FrameSender"/> that sends the head and then this region on <paramref name="socket"/>.</summary>
    public FrameSender SenderOn(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return (head, cancellationToken) => SendAsync(socket, head, cancellationToken);
    }

    private async ValueTask SendAsync(Socket socket, ReadOnlyMemory<byte> head, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<SocketAsyncEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var args = new SocketAsyncEventArgs();
        args.SendPacketsElements = [new SendPacketsElement(head), new SendPacketsElement(_file, _offset, _count, endOfPacket: true)];
        args.Completed += (_, e) => done.TrySetResult(e);
        // SendPacketsAsync takes no token: a send that never completes (the other side stopped
        // reading) ends when the connection is closed.
        await using var closeOnCancel = cancellationToken.Register(static s => ((Socket)s!).Dispose(), socket);
        try
        {
            if (!socket.SendPacketsAsync(args))
                done.TrySetResult(args);
        }
        catch (NotSupportedException e)
        {
            // What it throws once the socket knows the other side is gone (a fetcher that completed and
            // closed): a closed connection like any other, not a fault of ours (a tester saw it logged as one).
            throw new IOException("the connection is closed", e);
        }
        var result = await done.Task;
        if (result.SocketError != SocketError.Success)
            throw new SocketException((int)result.SocketError);
        long expected = head.Length + (long)_count;
        if (result.BytesTransferred != expected)
            throw new IOException($"sent {result.BytesTransferred} of {expected} bytes of a piece from {_file.Name}");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
