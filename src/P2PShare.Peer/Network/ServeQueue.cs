using System.Threading.Channels;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>
/// The piece requests of one connection, served in order by one loop while the connection's read
/// loop reads ahead, so that a <c>cancel</c> arriving behind a request can drop it before it is
/// sent (an end-game duplicate the fetcher already got elsewhere). Bounded: a client that asks
/// faster than it reads is held back by its own unread replies, as before.
/// </summary>
internal sealed class ServeQueue : IDisposable
{
    /// <summary>Requests read ahead per connection (our fetchers keep at most 8 in flight).</summary>
    public const int Capacity = 64;

    private readonly Channel<Incoming> _requests = Channel.CreateBounded<Incoming>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Lock _gate = new();
    private readonly HashSet<long> _queued = [];    // ids waiting in the queue
    private readonly HashSet<long> _cancelled = []; // a subset of _queued, so a flood of cancels costs nothing

    /// <summary>Queues a request (the queue owns it from here); waits while the queue is full.</summary>
    public async ValueTask EnqueueAsync(Incoming request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
            _queued.Add(request.Message.RequestId);
        try
        {
            await _requests.Writer.WriteAsync(request, cancellationToken);
        }
        catch
        {
            lock (_gate)
                _queued.Remove(request.Message.RequestId);
            request.Dispose();
            throw;
        }
    }

    /// <summary>Drops request <paramref name="requestId"/> if it is still waiting; ignored otherwise.</summary>
    public bool Cancel(long requestId)
    {
        lock (_gate)
            return _queued.Contains(requestId) && _cancelled.Add(requestId);
    }

    /// <summary>Serves queued requests in order with <paramref name="serve"/> until <see cref="Complete"/> (or cancellation).</summary>
    public async Task RunAsync(Func<Incoming, CancellationToken, Task> serve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(serve);
        await foreach (var request in _requests.Reader.ReadAllAsync(cancellationToken))
        {
            using (request)
            {
                bool cancelled;
                lock (_gate)
                {
                    _queued.Remove(request.Message.RequestId);
                    cancelled = _cancelled.Remove(request.Message.RequestId);
                }
                if (!cancelled)
                    await serve(request, cancellationToken);
            }
        }
    }

    /// <summary>No more requests will come.</summary>
    public void Complete() => _requests.Writer.TryComplete();

    /// <summary>Releases what is still queued.</summary>
    public void Dispose()
    {
        Complete();
        while (_requests.Reader.TryRead(out var left))
            left.Dispose();
    }
}
