using System.Net;
using Microsoft.Extensions.Logging;
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
    /// <summary>What the frames of all clients may hold together.</summary>
    public FrameMemoryBudget FrameMemory { get; } = new(Options.MaxFrameMemory);

    /// <summary>The share of <see cref="FrameMemory"/> the connections from <paramref name="address"/> may hold together.</summary>
    public FrameMemoryBudget FrameMemoryFor(IPAddress address) =>
        FrameMemory.ShareFor((address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString());
}
