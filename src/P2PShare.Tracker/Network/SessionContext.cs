using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Framing;
using P2PShare.Tracker.Registry;

namespace P2PShare.Tracker.Network;

/// <summary>What every client session shares: the options, the registry, the other clients, the stop signal, the frame memory.</summary>
internal sealed record SessionContext(
    TrackerOptions Options,
    FileRegistry Registry,
    ConnectedClients Clients,
    BackgroundWork Background,
    ILogger Logger,
    CancellationToken Shutdown)
{
    private readonly ConcurrentDictionary<IPAddress, FrameMemoryBudget> _byAddress = new();

    /// <summary>What the frames of all clients may hold together.</summary>
    public FrameMemoryBudget FrameMemory { get; } = new(Options.MaxFrameMemory);

    /// <summary>
    /// The share of <see cref="FrameMemory"/> that the connections from one address may hold together
    /// (a quarter): a dozen connections from one address, each sending most of a large frame, had
    /// taken all of it, and every other client's announce was refused. One small record per address
    /// ever seen is kept, which on a LAN is bounded.
    /// </summary>
    public FrameMemoryBudget FrameMemoryFor(IPAddress address) =>
        _byAddress.GetOrAdd(address, static (_, all) => new FrameMemoryBudget(Math.Max(all.MaxBytes / 4, ProtocolLimits.Default.MaxHandshakeFrameLength), all), FrameMemory);
}
