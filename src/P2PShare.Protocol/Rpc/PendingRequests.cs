using System.Collections.Concurrent;

namespace P2PShare.Protocol.Rpc;

/// <summary>
/// A channel's requests still waiting for their replies, by id: the sender registers one, the read
/// loop completes it, and closing fails them all. Thread-safe.
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<Incoming>> _waiting = new();
    private long _nextId;

    /// <summary>A fresh id and the task its reply completes.</summary>
    public (long Id, Task<Incoming> Reply) Add()
    {
        long id = Interlocked.Increment(ref _nextId);
        var waiter = new TaskCompletionSource<Incoming>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = waiter;
        return (id, waiter.Task);
    }

    /// <summary>Stops waiting for <paramref name="id"/>; a reply that still comes is not taken.</summary>
    public void Remove(long id) => _waiting.TryRemove(id, out _);

    /// <summary>Hands <paramref name="reply"/> to whoever waits for it; false (the caller disposes it) when nobody does any more.</summary>
    public bool TryComplete(Incoming reply) =>
        _waiting.TryRemove(reply.Message.ReplyTo, out var waiter) && waiter.TrySetResult(reply);

    /// <summary>Fails every waiting request: the connection closed.</summary>
    public void FailAll()
    {
        foreach (var id in _waiting.Keys)
        {
            if (_waiting.TryRemove(id, out var waiter))
                waiter.TrySetException(new IOException("the connection closed before the reply arrived"));
        }
    }
}
