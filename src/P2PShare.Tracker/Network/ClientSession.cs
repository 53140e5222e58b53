using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;
using P2PShare.Tracker.Registry;

namespace P2PShare.Tracker.Network;

/// <summary>
/// One client connection, owned by its own thread: the handshake, then the read loop that answers
/// its requests. Anything that waits on other peers (<c>update</c>) runs off the loop, so this
/// client keeps answering the tracker's own requests meanwhile. Every way the connection can end
/// (goodbye, drop, malformed frame, stop) removes the client from the registry at once.
/// </summary>
internal sealed class ClientSession : IDisposable
{
    private readonly TcpClient _tcp;
    private MessageChannel? _channel; // made once the transport is up (TLS first when there is a secret)
    private readonly SessionContext _context;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _ended;
    private volatile string? _closeReason;

    /// <summary>A session for <paramref name="tcp"/>; <paramref name="ended"/> runs on its thread when it ends, before <see cref="Completion"/>.</summary>
    public ClientSession(long id, TcpClient tcp, IPEndPoint remote, SessionContext context, Action ended)
    {
        Id = id;
        _ended = ended;
        _tcp = tcp;
        Remote = remote;
        Label = remote.ToString();
        _context = context;
    }

    private MessageChannel Channel => _channel ?? throw new InvalidOperationException("the session has no channel before its handshake");

    /// <summary>Unique for the tracker's lifetime; also the client's key in the registry.</summary>
    public long Id { get; }

    /// <summary>Where the connection comes from.</summary>
    public IPEndPoint Remote { get; }

    /// <summary>The remote address and port, for logs.</summary>
    public string Label { get; }

    /// <summary>The tracker's end of the connection: the address this client reached it at.</summary>
    public IPEndPoint? LocalEndPoint => _tcp.Client.LocalEndPoint as IPEndPoint;

    /// <summary>Completes when the session has ended and cleaned up, its owner's cleanup included.</summary>
    public Task Completion => _done.Task;

    /// <summary>The thread body. Never throws: an exception escaping a thread would end the process.</summary>
    public void Run()
    {
        try
        {
            ClientThreadContext.Run(RunAsync); // its continuations run here, not on the shared pool
        }
#pragma warning disable CA1031 // Last line of defence for a dedicated thread: log whatever it is and end this client only.
        catch (Exception e)
#pragma warning restore CA1031
        {
            TrackerLog.Failed(_context.Logger, Label, e);
        }
        finally
        {
            // The owner's cleanup first, so whoever awaits Completion sees it done.
            try
            {
                _ended();
            }
            finally
            {
                _done.TrySetResult();
            }
        }
    }

    /// <summary>Closes the connection (the read loop then ends); safe from any thread, more than once.</summary>
    public void Close(string reason)
    {
        _closeReason ??= reason;
        if (_channel is { } channel)
            channel.Close();
        else
            _tcp.Dispose(); // still in TLS: that fails it
    }

    /// <summary>Tells the client the tracker is leaving; best effort.</summary>
    public async Task SayByeAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_channel is { } channel)
                await channel.SendAsync(new Bye(), default, cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            // Leaving anyway.
        }
    }

    private async Task RunAsync()
    {
        var logger = _context.Logger;
        try
        {
            TrackerLog.Connected(logger, Label);
            try
            {
                var hello = await GreetAsync();
                if (hello is null)
                    return;
                var serving = new IPEndPoint(Remote.Address, hello.ListenPort);
                TrackerLog.Joined(logger, Label, hello.ListenPort == 0 ? "no port" : serving.ToString(), hello.Agent);
                await Channel.RunAsync(new ClientRequests(this, _context).HandleAsync, _context.Options.IdleTimeout, _context.Shutdown);
                _closeReason ??= "it closed the connection";
            }
            finally
            {
                // Joined (if at all) inside the handshake; leaving is harmless for a client that never joined.
                _context.Clients.Remove(this);
                _context.Registry.Leave(Id);
            }
            TrackerLog.Left(logger, Label, _closeReason);
        }
        catch (FrameMemoryExhaustedException e)
        {
            TrackerLog.FrameMemoryExhausted(logger, Label, e.Message);
        }
        catch (ProtocolException e)
        {
            TrackerLog.Malformed(logger, Label, e.Message);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or IOException or SocketException && _closeReason is not null)
        {
            TrackerLog.Left(logger, Label, _closeReason!);
        }
        catch (OperationCanceledException) when (_context.Shutdown.IsCancellationRequested)
        {
            TrackerLog.Left(logger, Label, "the tracker is stopping");
        }
        catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
        {
            TrackerLog.Left(logger, Label, e.Message);
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Releases the connection; the thread body does this itself when it ends.</summary>
    public void Dispose()
    {
        _closeReason ??= "the connection was released";
        _channel?.Dispose();
        _tcp.Dispose();
    }

    private async Task<Hello?> GreetAsync()
    {
        var timeout = _context.Options.HandshakeTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_context.Shutdown);
        deadline.CancelAfter(timeout);
        try
        {
            // Listed before the welcome goes out: a peer that has its welcome is refreshed by any later update.
            var accepted = await TransportSecurity.AcceptAsync(_tcp.Client, _tcp.GetStream(), _context.Options.Secret, _context.FrameMemoryFor(Remote.Address), timeout, deadline.Token);
            if (accepted.Secured is not { } secured)
            {
                if (accepted.Refusal is not null)
                    TrackerLog.HandshakeRefusedBecause(_context.Logger, Label, accepted.Refusal);
                return null;
            }
            _channel = new MessageChannel(secured.Stream, _context.Options.Limits, _context.FrameMemoryFor(Remote.Address)) { Binding = secured.Binding };
            var result = await Handshake.AcceptAsync(_channel, PeerRole.Peer, Remote.Address.ToString(), _context.Options.Secret, hello =>
            {
                _context.Registry.Join(Id, new IPEndPoint(Remote.Address, hello.ListenPort));
                _context.Clients.Add(this);
            }, timeout, deadline.Token);
            if (result.Refusal is not null)
                TrackerLog.HandshakeRefusedBecause(_context.Logger, Label, result.Refusal);
            else if (result.Hello is null)
                TrackerLog.HandshakeRefused(_context.Logger, Label);
            return result.Hello;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException && !_context.Shutdown.IsCancellationRequested)
        {
            TrackerLog.HandshakeFailed(_context.Logger, Label, $"no hello within {timeout.TotalSeconds:0.#} s (or no proof after the challenge)");
            return null;
        }
    }

    private readonly AnnounceOrder _announces = new();

    /// <summary>
    /// Takes <paramref name="announce"/> (the <paramref name="sequence"/>th message read from the client) as its whole
    /// holding set, logging what was refused; null when one read after it was taken already (<see cref="AnnounceOrder"/>).
    /// </summary>
    public AnnounceResult? RecordAnnounce(Announce announce, long sequence) => _announces.Take(sequence, () => Record(announce));

    private AnnounceResult Record(Announce announce)
    {
        var result = _context.Registry.Announce(Id, announce.Files);
        TrackerLog.Announced(_context.Logger, Label, result.Accepted, announce.Files.Count);
        int logged = Math.Min(result.Rejections.Count, _context.Options.MaxRefusalsListed);
        for (int i = 0; i < logged; i++)
        {
            var refused = result.Rejections[i];
            TrackerLog.AnnounceRejected(_context.Logger, Label, $"file '{announce.Files[refused.Index].Name}' ({refused.File.ShortText}) rejected: {refused.Reason}");
        }
        if (result.Rejections.Count > logged)
            TrackerLog.AnnounceRejectedMore(_context.Logger, Label, result.Rejections.Count - logged);
        return result;
    }

    /// <summary>
    /// Asks the client to re-report its files and records the answer. False when it did not answer
    /// with an announce before <paramref name="deadline"/> (logged as having waited <paramref name="wait"/>);
    /// never throws for the client's faults, only when <paramref name="shutdown"/> is cancelled.
    /// </summary>
    public async Task<bool> RefreshAsync(TimeSpan wait, CancellationToken deadline, CancellationToken shutdown)
    {
        try
        {
            using var reply = await Channel.RequestAsync(new Refresh(), Timeout.InfiniteTimeSpan, deadline);
            switch (reply.Message)
            {
                case Announce announce:
                    RecordAnnounce(announce, reply.Sequence);
                    TrackerLog.RefreshAnswered(_context.Logger, Label, announce.Files.Count);
                    return true;
                case ErrorReply error:
                    TrackerLog.RefreshFailed(_context.Logger, Label, $"{error.Text} ({error.Code})");
                    return false;
                case var other:
                    TrackerLog.RefreshFailed(_context.Logger, Label, $"it answered '{other.Type}' instead of 'announce'");
                    return false;
            }
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested && Channel.Closed.IsCancellationRequested)
        {
            TrackerLog.RefreshFailed(_context.Logger, Label, "its connection closed");
            return false;
        }
        catch (OperationCanceledException) when (!shutdown.IsCancellationRequested)
        {
            TrackerLog.RefreshSilent(_context.Logger, Label, wait.TotalSeconds);
            return false;
        }
        catch (Exception e) when (ConnectionFaults.IsFault(e))
        {
            TrackerLog.RefreshFailed(_context.Logger, Label, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Answers <paramref name="request"/> (nothing when it carries no id). A reply too large for a
    /// frame becomes a <c>failed</c> error; a client that will not take a reply within
    /// <see cref="TrackerOptions.RequestTimeout"/> is disconnected.
    /// </summary>
    public async Task ReplyAsync(Message request, Message reply, CancellationToken cancellationToken)
    {
        if (request.RequestId == 0)
        {
            TrackerLog.Ignored(_context.Logger, Label, request.Type);
            return;
        }
        var timeout = _context.Options.RequestTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            try
            {
                await Channel.ReplyAsync(request, reply, default, deadline.Token);
            }
            catch (ProtocolException e)
            {
                // The frame was refused before a byte was written; the connection is intact.
                TrackerLog.ReplyTooLarge(_context.Logger, reply.Type, Label, e.Message);
                await Channel.ReplyAsync(request, new ErrorReply(ErrorCodes.Failed, $"the '{reply.Type}' reply is too large to send ({e.Message}); ask for less"), default, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !Channel.Closed.IsCancellationRequested)
        {
            var reason = $"it did not take a reply within {timeout.TotalSeconds:0.#} s";
            Close(reason);
            throw new TimeoutException(reason);
        }
    }
}
