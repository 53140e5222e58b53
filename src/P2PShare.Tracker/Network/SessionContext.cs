using Microsoft.Extensions.Logging;
using P2PShare.Tracker.Registry;

namespace P2PShare.Tracker.Network;

/// <summary>What every client session shares: the options, the registry, the other clients, the stop signal.</summary>
internal sealed record SessionContext(
    TrackerOptions Options,
    FileRegistry Registry,
    ConnectedClients Clients,
    BackgroundWork Background,
    ILogger Logger,
    CancellationToken Shutdown);
