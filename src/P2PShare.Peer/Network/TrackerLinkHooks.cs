using P2PShare.Peer.Discovery;
using P2PShare.Peer.Outcomes;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Network;

/// <summary>What a <see cref="TrackerLink"/> asks of its peer when it (re)connects and reports.</summary>
/// <param name="ServingPort">The port the peer serves pieces on.</param>
/// <param name="CurrentFiles">Every file the peer has, with the pieces of those still downloading.</param>
/// <param name="Downloading">Whether a download is under way.</param>
/// <param name="Tell">Passes news on to the peer's subscribers (tracker lost, back, refused files).</param>
internal sealed record TrackerLinkHooks(
    Func<int> ServingPort,
    Func<IReadOnlyList<FileEntry>> CurrentFiles,
    Func<bool> Downloading,
    Action<PeerNotice> Tell)
{
    /// <summary>Opens a listener for tracker beacons while reconnecting (the tracker was discovered, so it may come back elsewhere); null: only the old address is retried.</summary>
    public Func<BeaconListener?>? OpenBeacon { get; init; }

    /// <summary>Rescans the shared folder (cheap through the manifest cache) before a refresh is answered; null: the peer shares no folder.</summary>
    public Func<CancellationToken, Task>? Rescan { get; init; }
}
