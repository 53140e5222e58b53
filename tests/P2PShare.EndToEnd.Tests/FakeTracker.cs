using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;
using P2PShare.Protocol.Auth;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A tracker on 127.0.0.1 that knows one file and answers every who-has with the holders it is
/// given, however many: what a real tracker would need thousands of joined peers to say.
/// </summary>
internal sealed class FakeTracker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly NetworkFile _file;
    private readonly IReadOnlyList<HolderEntry> _holders;
    private readonly List<Task> _clients = [];
    private readonly Task _accepting;
    private readonly SharedSecret? _secret;

    /// <summary>With <paramref name="secret"/>, it runs TLS and asks for the proof, as a real closed tracker does.</summary>
    public FakeTracker(NetworkFile file, IReadOnlyList<HolderEntry> holders, SharedSecret? secret = null)
    {
        _file = file;
        _holders = holders;
        _secret = secret;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
                lock (_clients)
                    _clients.Add(ServeAsync(tcp));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(TcpClient tcp)
    {
        using (tcp)
        {
            try
            {
                var secured = (await TransportSecurity.AcceptAsync(tcp.Client, tcp.GetStream(), _secret, TimeSpan.FromSeconds(10), _stop.Token)).Secured;
                if (secured is null)
                    return;
                using var channel = new MessageChannel(secured.Stream) { Binding = secured.Binding };
                if ((await Handshake.AcceptAsync(channel, PeerRole.Peer, "127.0.0.1:1", _secret, null, TimeSpan.FromSeconds(10), _stop.Token)).Hello is null)
                    return;
                await channel.RunAsync(async (incoming, ct) =>
                {
                    using (incoming)
                    {
                        Message? reply = incoming.Message switch
                        {
                            Announce => new Ok(),
                            ListFiles or UpdateRequest => new FileList([_file]),
                            WhoHas => new Holders(_file.Id, _file.Name, _file.Length, _file.PieceLength, _holders),
                            { RequestId: not 0 } other => new ErrorReply(ErrorCodes.UnknownType, $"this tracker does not answer '{other.Type}'"), // an older tracker
                            _ => null, // notices (have_set) need no answer
                        };
                        if (reply is not null && incoming.Message.RequestId != 0)
                            await channel.ReplyAsync(incoming.Message, reply, default, ct);
                    }
                }, Timeout.InfiniteTimeSpan, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or ProtocolException or ObjectDisposedException or SocketException or TimeoutException)
            {
                // The peer left, or we are stopping.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] clients;
        lock (_clients)
            clients = [.. _clients];
        await Task.WhenAll(clients);
        _stop.Dispose();
    }
}
