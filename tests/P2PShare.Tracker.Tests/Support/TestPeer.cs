using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;

namespace P2PShare.Tracker.Tests.Support;

/// <summary>
/// A peer speaking the protocol to the tracker over a real loopback socket: it greets, then runs a
/// read loop that answers the tracker's refresh with <see cref="Files"/> (unless told to stay silent).
/// </summary>
internal sealed class TestPeer : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TestTracker.Deadline;
    private readonly TcpClient _tcp;
    private readonly TaskCompletionSource _byeReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _refreshes;

    private TestPeer(TcpClient tcp, MessageChannel channel, Welcome welcome, bool answersRefresh)
    {
        _tcp = tcp;
        Channel = channel;
        Welcome = welcome;
        AnswersRefresh = answersRefresh;
        LocalEndPoint = tcp.Client.LocalEndPoint!.ToString()!;
        Loop = Task.Run(() => channel.RunAsync(HandleAsync, Timeout.InfiniteTimeSpan));
    }

    public MessageChannel Channel { get; }

    public Welcome Welcome { get; }

    /// <summary>Our end of the connection as the tracker sees it (how its logs name us).</summary>
    public string LocalEndPoint { get; }

    public bool AnswersRefresh { get; }

    /// <summary>What this peer reports when the tracker asks for a refresh.</summary>
    public IReadOnlyList<FileEntry> Files { get; set; } = [];

    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Completes (or faults) when the connection ends.</summary>
    public Task Loop { get; }

    public Task ByeReceived => _byeReceived.Task;

    /// <summary>Connects from <paramref name="from"/> (another loopback address, e.g. 127.0.0.2, looks like another host).</summary>
    public static async Task<TcpClient> OpenAsync(TrackerServer tracker, IPAddress? from = null)
    {
        var tcp = from is null ? new TcpClient(AddressFamily.InterNetwork) : new TcpClient(new IPEndPoint(from, 0));
        await tcp.ConnectAsync(IPAddress.Loopback, tracker.LocalEndPoint.Port).WaitAsync(Deadline);
        return tcp;
    }

    /// <summary>A connection to <paramref name="tracker"/> ready for a hello: TLS first when there is a <paramref name="secret"/>, as a peer does it.</summary>
    public static async Task<(TcpClient Tcp, MessageChannel Channel)> OpenChannelAsync(TrackerServer tracker, SharedSecret? secret, IPAddress? from = null)
    {
        var tcp = await OpenAsync(tracker, from);
        try
        {
            var secured = await TransportSecurity.ConnectAsync(tcp.GetStream(), secret, Deadline, CancellationToken.None);
            return (tcp, new MessageChannel(secured.Stream) { Binding = secured.Binding });
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public static async Task<TestPeer> JoinAsync(TrackerServer tracker, int listenPort, bool answersRefresh = true, SharedSecret? secret = null, IPAddress? from = null)
    {
        var (tcp, channel) = await OpenChannelAsync(tracker, secret, from);
        try
        {
            var hello = new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, listenPort, "tracker-tests");
            var welcome = await Handshake.GreetAsync(channel, hello, secret, Deadline, CancellationToken.None).WaitAsync(Deadline);
            return new TestPeer(tcp, channel, welcome, answersRefresh);
        }
        catch
        {
            channel.Dispose();
            tcp.Dispose();
            throw;
        }
    }

    private async Task HandleAsync(Incoming incoming, CancellationToken cancellationToken)
    {
        using (incoming)
        {
            switch (incoming.Message)
            {
                case Refresh refresh:
                    Interlocked.Increment(ref _refreshes);
                    if (AnswersRefresh)
                        await Channel.ReplyAsync(refresh, new Announce(Files), default, cancellationToken);
                    break;
                case Bye:
                    _byeReceived.TrySetResult();
                    break;
            }
        }
    }

    /// <summary>Announces <paramref name="files"/>; the answer says which the tracker refused, if any.</summary>
    public async Task<Ok> AnnounceAsync(params FileEntry[] files)
    {
        Files = files;
        var (ok, raw) = await Channel.RequestAsync<Ok>(new Announce(files), Deadline).WaitAsync(Deadline);
        raw.Dispose();
        return ok;
    }

    public async Task<Message> RequestAsync(Message request)
    {
        using var reply = await Channel.RequestAsync(request, Deadline).WaitAsync(Deadline);
        return reply.Message;
    }

    public async Task<IReadOnlyList<NetworkFile>> ListAsync(string? name = null) =>
        Assert.IsType<FileList>(await RequestAsync(new ListFiles(name))).Files;

    public Task<Message> WhoHasAsync(FileId file, FileShape? shape = null) => RequestAsync(new WhoHas(file) { Shape = shape });

    /// <summary>One page of the list, as the tracker sends it.</summary>
    public async Task<FileList> ListPageAsync(string? name = null, string? after = null) =>
        Assert.IsType<FileList>(await RequestAsync(new ListFiles(name, after)));

    /// <summary>Every page of the list, following the cursors.</summary>
    public async Task<List<NetworkFile>> ListAllAsync(string? name = null)
    {
        var files = new List<NetworkFile>();
        string? after = null;
        do
        {
            var page = await ListPageAsync(name, after);
            files.AddRange(page.Files);
            after = page.Next;
        }
        while (after is not null);
        return files;
    }

    public async Task<IReadOnlyList<NetworkFile>> UpdateAsync() =>
        Assert.IsType<FileList>(await RequestAsync(new UpdateRequest())).Files;

    public Task SendHaveAsync(FileId file, int piece) => Channel.SendAsync(new HavePiece(file, piece)).WaitAsync(Deadline);

    public Task SendHaveSetAsync(FileId file, PieceSet pieces) => Channel.SendAsync(new HaveSet(file, pieces.Count, pieces)).WaitAsync(Deadline);

    /// <summary>Writes bytes straight to the socket, bypassing the codec (for malformed input).</summary>
    public Task SendRawAsync(byte[] bytes) => _tcp.GetStream().WriteAsync(bytes).AsTask().WaitAsync(Deadline);

    /// <summary>Drops the connection without a goodbye, as a crashed peer would.</summary>
    public async Task DropAsync()
    {
        Channel.Close();
        _tcp.Dispose();
        await Loop.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(Deadline);
    }

    public async ValueTask DisposeAsync() => await DropAsync();
}
