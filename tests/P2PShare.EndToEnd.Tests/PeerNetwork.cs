using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer;
using P2PShare.Tracker;

namespace P2PShare.EndToEnd.Tests;

/// <summary>A tracker and peers running in this process on 127.0.0.1, each peer with its own folder.</summary>
internal sealed class PeerNetwork : IAsyncDisposable
{
    private readonly List<PeerNode> _peers = [];
    private TrackerServer? _tracker;

    public PeerNetwork() => Folder = new TempFolder();

    public TempFolder Folder { get; }

    public string TrackerAddress => $"127.0.0.1:{_tracker!.LocalEndPoint.Port}";

    public TrackerServer Tracker => _tracker!;

    /// <summary>Where the peers log (nowhere unless a test wants to read it).</summary>
    public ILoggerFactory Loggers { get; init; } = NullLoggerFactory.Instance;

    public async Task StartTrackerAsync(int port = 0)
    {
        _tracker = new TrackerServer(new TrackerOptions { Host = IPAddress.Loopback, Port = port, UpdateWait = TimeSpan.FromSeconds(2) }, NullLogger.Instance);
        await _tracker.StartAsync(CancellationToken.None);
    }

    /// <summary>Stops the tracker (it says goodbye to every peer) and starts a fresh one, knowing nothing, on the same port.</summary>
    public async Task RestartTrackerAsync()
    {
        int port = _tracker!.LocalEndPoint.Port;
        await _tracker.DisposeAsync();
        _tracker = null;
        await StartTrackerAsync(port);
    }

    /// <summary>Stops the tracker (it says goodbye to every peer); <see cref="StartTrackerAsync"/> with its port starts a fresh one.</summary>
    public async Task<int> StopTrackerAsync()
    {
        int port = _tracker!.LocalEndPoint.Port;
        await _tracker.DisposeAsync();
        _tracker = null;
        return port;
    }

    public PeerOptions Options(string name) => new()
    {
        Port = 0,
        BindAddress = IPAddress.Loopback,
        RepositoryPath = Folder.Sub(name),
        PieceLength = 64 * 1024,
        DefaultTracker = TrackerAddress,
    };

    /// <summary>Starts a peer (of <paramref name="parts"/>: a test's slow, paused or lying piece source, a failing disk) and joins it unless told not to.</summary>
    public async Task<PeerNode> StartPeerAsync(PeerOptions options, bool join = true, PeerParts? parts = null)
    {
        var node = new PeerNode(options, Loggers, parts);
        _peers.Add(node);
        await node.StartServingAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        if (join)
            await node.JoinAsync(TrackerAddress, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers)
            await peer.DisposeAsync();
        if (_tracker is not null)
            await _tracker.DisposeAsync();
        Folder.Dispose();
    }
}
