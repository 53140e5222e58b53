using System.Collections.Concurrent;

namespace P2PShare.Tracker.Network;

/// <summary>The clients past their handshake: the ones an update refreshes and a stop says goodbye to.</summary>
internal sealed class ConnectedClients
{
    private readonly ConcurrentDictionary<long, ClientSession> _sessions = new();

    public int Count => _sessions.Count;

    public void Add(ClientSession session) => _sessions[session.Id] = session;

    public void Remove(ClientSession session) => _sessions.TryRemove(session.Id, out _);

    /// <summary>A snapshot of every client but <paramref name="excluded"/>.</summary>
    public IReadOnlyList<ClientSession> Except(ClientSession? excluded) =>
        [.. _sessions.Values.Where(s => s != excluded)];
}
