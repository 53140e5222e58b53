using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Bench.Load;

/// <summary>
/// One simulated peer: a real TCP connection to the tracker speaking the protocol through
/// P2PShare.Protocol (hello, announce, lookups), answering the tracker's refresh with its files.
/// It serves no pieces: the tracker never connects to peers, so none are needed.
/// </summary>
internal sealed class SimulatedPeer : IAsyncDisposable
{
    private readonly MessageChannel _channel;
    private readonly IReadOnlyList<FileEntry> _files;
    private readonly Task _loop;

    private SimulatedPeer(MessageChannel channel, IReadOnlyList<FileEntry> files)
    {
        _channel = channel;
        _files = files;
        _loop = RunLoopAsync();
    }

    public bool IsOpen => !_channel.Closed.IsCancellationRequested;

    /// <summary>Connects from <paramref name="local"/> (any loopback address), says hello, announces <paramref name="files"/>.</summary>
    public static async Task<SimulatedPeer> JoinAsync(IPAddress local, IPEndPoint tracker, int listenPort, IReadOnlyList<FileEntry> files, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        MessageChannel? channel = null;
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await socket.ConnectAsync(tracker, deadline.Token);
            channel = new MessageChannel(new NetworkStream(socket, ownsSocket: true));
            await Handshake.GreetAsync(channel, new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, listenPort, "P2PShare.Bench/load"), null, timeout, deadline.Token);
            var peer = new SimulatedPeer(channel, files);
            var (_, raw) = await channel.RequestAsync<Ok>(new Announce(files), timeout, deadline.Token);
            raw.Dispose();
            return peer;
        }
        catch
        {
            if (channel is not null)
                await channel.DisposeAsync();
            else
                socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a lookup and returns how long the reply took; throws for an error reply or a timeout.</summary>
    public async Task<TimeSpan> LookupAsync(Message request, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        using var reply = await _channel.RequestAsync(request, timeout);
        clock.Stop();
        if (reply.Message is ErrorReply error && error.Code != ErrorCodes.NotFound)
            throw new RemoteErrorException(error.Code, error.Text);
        return clock.Elapsed;
    }

    private async Task RunLoopAsync()
    {
        try
        {
            await _channel.RunAsync(async (incoming, ct) =>
            {
                using (incoming)
                {
                    if (incoming.Message is Refresh refresh)
                        await _channel.ReplyAsync(refresh, new Announce(_files), default, ct);
                }
            }, Timeout.InfiniteTimeSpan);
        }
        catch (Exception e) when (e is IOException or ProtocolException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The connection ended; IsOpen says so.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _loop;
    }
}
