using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol;
using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Bench.Load;

/// <summary>
/// A peer that looks files up with blocking calls from a thread of its own. On a real network
/// every peer is its own machine; here a thousand simulated joiners share this process, and an
/// asker on the shared thread pool would time how long its reply waited in their queue as well as
/// the tracker. Blocking calls on a dedicated thread leave only the tracker and the kernel in the figure.
/// </summary>
internal sealed class BlockingAsker : IDisposable
{
    private readonly Socket _socket;
    private readonly IReadOnlyList<FileEntry> _files;
    private readonly ProtocolLimits _limits = ProtocolLimits.Default;
    private readonly byte[] _prefix = new byte[FrameLayout.PrefixLength];
    private long _nextId = 1;
    private bool _broken;

    private BlockingAsker(Socket socket, IReadOnlyList<FileEntry> files)
    {
        _socket = socket;
        _files = files;
    }

    /// <summary>False once a call failed: the connection is no longer trusted to be in step.</summary>
    public bool IsOpen => !_broken && _socket.Connected;

    /// <summary>Connects from <paramref name="local"/>, says hello and announces <paramref name="files"/>, each step within <paramref name="timeout"/>.</summary>
    public static BlockingAsker Join(IPAddress local, IPEndPoint tracker, int listenPort, IReadOnlyList<FileEntry> files, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
            ReceiveTimeout = (int)timeout.TotalMilliseconds,
            SendTimeout = (int)timeout.TotalMilliseconds,
        };
        var asker = new BlockingAsker(socket, files);
        try
        {
            socket.Bind(new IPEndPoint(local, 0));
            var connect = socket.ConnectAsync(tracker);
            if (!connect.Wait(timeout))
                throw new TimeoutException($"connecting to the tracker took over {timeout.TotalSeconds:0} s");
            var welcome = asker.Call(new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, listenPort, "P2PShare.Bench/load-asker"));
            if (welcome is not Welcome)
                throw new ProtocolException($"expected 'welcome', got '{welcome.Type}'");
            if (asker.Call(new Announce(files)) is not Ok)
                throw new ProtocolException("the tracker did not accept the announce");
            return asker;
        }
        catch
        {
            asker.Dispose();
            throw;
        }
    }

    /// <summary>Sends a lookup and returns how long the reply took; throws for an error reply or a timeout.</summary>
    public TimeSpan Lookup(Message request)
    {
        var clock = Stopwatch.StartNew();
        var reply = Call(request);
        clock.Stop();
        if (reply is ErrorReply error && error.Code != ErrorCodes.NotFound)
            throw new RemoteErrorException(error.Code, error.Text);
        return clock.Elapsed;
    }

    // One request, its reply back; a refresh from the tracker meanwhile is answered with our files.
    private Message Call(Message request)
    {
        try
        {
            long id = _nextId++;
            Send(request with { RequestId = id });
            while (true)
            {
                var incoming = Receive();
                if (incoming.ReplyTo == id)
                    return incoming;
                if (incoming is Refresh refresh)
                    Send(new Announce(_files) { ReplyTo = refresh.RequestId });
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            _broken = true;
            throw new TimeoutException($"no reply to '{request.Type}' within {_socket.ReceiveTimeout} ms", e);
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    private void Send(Message message) =>
        _socket.Send(FrameWriter.Encode(MessageCodec.Encode(message), ReadOnlySpan<byte>.Empty));

    private Message Receive()
    {
        ReceiveExactly(_prefix);
        var (headerLength, payloadLength) = FrameLayout.ReadPrefix(_prefix, _limits);
        byte[] body = new byte[headerLength + payloadLength];
        ReceiveExactly(body);
        return MessageCodec.Decode(Header.Parse(body.AsSpan(0, headerLength)), _limits);
    }

    private void ReceiveExactly(byte[] buffer)
    {
        for (int got = 0; got < buffer.Length;)
        {
            int read = _socket.Receive(buffer, got, buffer.Length - got, SocketFlags.None);
            if (read == 0)
                throw new IOException("the tracker closed the connection");
            got += read;
        }
    }

    public void Dispose() => _socket.Dispose();
}
