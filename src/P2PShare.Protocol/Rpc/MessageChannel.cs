using System.Runtime.CompilerServices;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Rpc;

/// <summary>
/// One connection's messages over a stream: serialized sends, one read loop, and requests matched
/// to replies by id so either side may ask the other at any time. The channel owns the stream.
/// </summary>
public sealed class MessageChannel : IAsyncDisposable, IDisposable
{
    private readonly Stream _stream;
    private readonly FrameStreamReader _reader;
    private readonly ProtocolLimits _limits;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly PendingRequests _pending = new();
    private long _read;
    private readonly CancellationTokenSource _closed = new();
    private int _disposed;

    /// <summary>
    /// Wraps <paramref name="stream"/>; the channel disposes it. A server passes its
    /// <paramref name="budget"/> so that frames on all its connections together hold a bounded amount of memory.
    /// </summary>
    public MessageChannel(Stream stream, ProtocolLimits? limits = null, FrameMemoryBudget? budget = null)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _limits = limits ?? ProtocolLimits.Default;
        _reader = new FrameStreamReader(stream, _limits, budget);
    }

    /// <summary>
    /// The TLS session this channel runs in, when the transport is TLS (<see cref="Security.TransportSecurity"/>);
    /// a secret proof covers it, and a side with a secret greets or accepts only over one.
    /// </summary>
    public ChannelBinding? Binding { get; init; }

    /// <summary>
    /// Told how much of a frame is still to come, so a plain socket wakes the reader once per useful amount
    /// rather than per packet (<see cref="IReceiveHint"/>); not for a TLS stream.
    /// </summary>
    public IReceiveHint? ReceiveHint
    {
        get => _reader.ReceiveHint;
        init => _reader.ReceiveHint = value;
    }

    /// <summary>The limits frames are held to.</summary>
    public ProtocolLimits Limits => _limits;

    /// <summary>
    /// While true, frames over <see cref="ProtocolLimits.MaxHandshakeFrameLength"/> are refused;
    /// <see cref="Handshake"/> sets it for the exchange and clears it once the other side is accepted.
    /// </summary>
    public bool BeforeHandshake
    {
        get => _reader.BeforeHandshake;
        set => _reader.BeforeHandshake = value;
    }

    /// <summary>Cancelled once the channel is closed, by either side.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>Sends a message that expects no reply (a notification or a reply of our own).</summary>
    public Task SendAsync(Message message, ReadOnlyMemory<byte> payload = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        FrameHead head;
        try
        {
            head = MessageCodec.EncodeFrame(message, payload, _limits);
        }
        catch (ProtocolException e)
        {
            return Task.FromException(e); // over a limit: reported through the task, as a failed write is
        }
        return WriteLockedAsync(head, token => FrameWriter.WriteAsync(_stream, head, payload, token), cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="reply"/> to <paramref name="request"/> with a payload of
    /// <paramref name="payloadLength"/> bytes that <paramref name="sendFrame"/> sends itself (see
    /// <see cref="FrameSender"/>), under the send lock so frames never interleave. If it fails, the
    /// channel is closed: a frame cut short leaves the stream unreadable.
    /// </summary>
    public async Task ReplyAsync(Message request, Message reply, int payloadLength, FrameSender sendFrame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reply);
        var head = MessageCodec.EncodeFrame(reply with { ReplyTo = request.RequestId }, payloadLength, _limits);
        try
        {
            await WriteLockedAsync(head, token => FrameWriter.WriteAsync(head, sendFrame, token), cancellationToken);
        }
        catch (Exception e) when (e is not ProtocolException)
        {
            Close();
            throw;
        }
    }

    // One frame at a time on the stream; the write ends when the caller gives up or the channel closes.
    // `write` returns `head` to its pool; if the write never starts, this does. A write cut short by the
    // channel closing, or begun just after, fails as a closed connection does (IOException): a cancellation
    // would read as the caller's own stop.
    private async Task WriteLockedAsync(FrameHead head, Func<CancellationToken, ValueTask> write, CancellationToken cancellationToken)
    {
        bool started = false;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
            await _sendLock.WaitAsync(linked.Token);
            try
            {
                started = true;
                await write(linked.Token);
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException
            && _closed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new IOException("the connection is closed", e);
        }
        finally
        {
            if (!started)
                head.Return();
        }
    }

    /// <summary>Sends <paramref name="reply"/> as the answer to <paramref name="request"/>.</summary>
    public Task ReplyAsync(Message request, Message reply, ReadOnlyMemory<byte> payload = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync(reply with { ReplyTo = request.RequestId }, payload, cancellationToken);
    }

    /// <summary>
    /// Sends a request and waits for its reply (any type, errors included). Needs <see cref="RunAsync"/>
    /// to be reading. Throws <see cref="TimeoutException"/> after <paramref name="timeout"/> and
    /// <see cref="IOException"/> if the connection closes first.
    /// </summary>
    public async Task<Incoming> RequestAsync(Message request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (id, reply) = _pending.Add();
        try
        {
            if (_closed.IsCancellationRequested)
                throw new IOException("the connection is closed");
            await SendAsync(request with { RequestId = id }, default, cancellationToken);
            return await reply.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            _pending.Remove(id); // before the cancel goes out: a reply racing it is dropped, not leaked
            CancelQuietly(id);
            throw new TimeoutException($"no reply to '{request.Type}' within {timeout.TotalSeconds:0.#} s");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !_closed.IsCancellationRequested)
        {
            _pending.Remove(id);
            CancelQuietly(id);
            throw;
        }
        finally
        {
            _pending.Remove(id);
        }
    }

    // The other side may drop a request nobody waits for any more; best effort, a reply that still comes is discarded.
    private void CancelQuietly(long id) => _ = SendQuietlyAsync(new CancelRequest(id));

    private async Task SendQuietlyAsync(Message message)
    {
        try
        {
            await SendAsync(message, default, _closed.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or NotSupportedException || ConnectionFaults.IsFault(e))
        {
            // The connection is closing: nothing to cancel any more.
        }
    }

    /// <summary>
    /// Reads one message directly, for the handshake before <see cref="RunAsync"/> starts. Returns
    /// null at a clean end of stream; throws <see cref="TimeoutException"/> after <paramref name="timeout"/>.
    /// </summary>
    public async Task<Incoming?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        deadline.CancelAfter(timeout);
        return await ReceiveAsync(timeout, deadline.Token, cancellationToken);
    }

    // One message, waiting until `wait` fires: the caller's cancellation, the channel's closing, or the timeout.
    // Pooled like the frame read under it: the read loop waits here for every message.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Incoming?> ReceiveAsync(TimeSpan timeout, CancellationToken wait, CancellationToken cancellationToken)
    {
        try
        {
            var frame = await _reader.ReadAsync(wait);
            if (frame is null)
                return null;
            try
            {
                return new Incoming(MessageCodec.Decode(frame.Header, _limits), frame) { Sequence = Interlocked.Increment(ref _read) };
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !_closed.IsCancellationRequested)
        {
            throw new TimeoutException($"nothing received within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// The read loop: completes pending requests with their replies and hands every other message to
    /// <paramref name="handler"/>, which owns (and disposes) what it is given. Returns when the other
    /// side closes cleanly; throws on malformed input, an idle timeout or a broken connection. Either
    /// way every pending request fails and the channel is closed.
    /// </summary>
    public async Task RunAsync(Func<Incoming, CancellationToken, Task> handler, TimeSpan idleTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        using var loop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        // One idle timer for the whole loop, stopped while a message is handled and started again for
        // the next wait: a timer and token source per message were most of a lookup's garbage.
        var idle = CancellationTokenSource.CreateLinkedTokenSource(loop.Token);
        try
        {
            while (true)
            {
                idle.CancelAfter(idleTimeout);
                var incoming = await ReceiveAsync(idleTimeout, idle.Token, loop.Token);
                idle.CancelAfter(Timeout.Infinite);
                if (idle.IsCancellationRequested)
                {
                    // The timeout fell just as the message arrived: it still counts, and the next wait starts afresh.
                    idle.Dispose();
                    idle = CancellationTokenSource.CreateLinkedTokenSource(loop.Token);
                }
                if (incoming is null)
                    return;
                if (incoming.Message.ReplyTo != 0)
                {
                    if (!_pending.TryComplete(incoming))
                        incoming.Dispose(); // a reply nobody waits for any more (timed out)
                    continue;
                }
                if (RequestIds.LacksId(incoming.Message))
                {
                    // Nothing a reply could refer to: refused here, once for every handler.
                    using (incoming)
                        await SendAsync(RequestIds.Refusal(incoming.Message), default, loop.Token);
                    continue;
                }
                await handler(incoming, loop.Token);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException
            && _closed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Closed on purpose (by a handler, e.g. on 'bye', or by the owner): a normal end, not a fault.
        }
        finally
        {
            idle.Dispose();
            Close();
        }
    }

    /// <summary>Closes the connection; pending requests fail. Safe to call more than once.</summary>
    public void Close()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _closed.Cancel();
        _stream.Dispose();
        _pending.FailAll();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // The token source and lock are left to the GC: in-flight sends may still touch them.
        Close();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
