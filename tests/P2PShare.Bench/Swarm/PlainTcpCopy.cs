using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace P2PShare.Bench.Swarm;

/// <summary>
/// The baseline: one file copied over one plain loopback TCP connection into another file, 256 KiB
/// buffers, no framing, no hashing. What a download could reach if the protocol cost nothing.
/// With <see cref="PlainCopyWork"/>, the single receiving thread also does the work a download must do
/// per byte: it hashes every 256 KiB block (SHA-256) before writing it, and/or syncs the file to disk
/// before it counts as copied (as `dd conv=fsync` does).
/// </summary>
internal static class PlainTcpCopy
{
    public const int BufferLength = 256 * 1024;

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> over 127.0.0.1; returns the wall time.</summary>
    public static async Task<TimeSpan> RunAsync(string source, string destination, PlainCopyWork work, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var clock = Stopwatch.StartNew();
        var receiver = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync(cancellationToken);
            await using var file = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            var buffer = new byte[BufferLength];
            if (work == PlainCopyWork.None)
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, cancellationToken)) > 0)
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                return;
            }
            var digest = new byte[SHA256.HashSizeInBytes];
            int filled;
            do
            {
                filled = 0;
                int read;
                while (filled < buffer.Length && (read = await socket.ReceiveAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
                    filled += read;
                if (work.HasFlag(PlainCopyWork.Hash))
                    SHA256.HashData(buffer.AsSpan(0, filled), digest);
                await file.WriteAsync(buffer.AsMemory(0, filled), cancellationToken);
            }
            while (filled == buffer.Length);
            if (work.HasFlag(PlainCopyWork.Sync))
                file.Flush(flushToDisk: true);
        }, cancellationToken);
        var sender = Task.Run(async () =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            await using var file = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            var buffer = new byte[BufferLength];
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
                await socket.SendAsync(buffer.AsMemory(0, read), cancellationToken);
            socket.Shutdown(SocketShutdown.Send);
        }, cancellationToken);
        await Task.WhenAll(sender, receiver);
        return clock.Elapsed;
    }
}
