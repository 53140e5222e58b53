using System.Net;

namespace P2PShare.Peer.Discovery;

/// <summary>What discovery found.</summary>
/// <param name="Tracker">The tracker's TCP address; null when none answered.</param>
/// <param name="Miss">Why a typed target did not answer; null when one was found, or when <see cref="Report"/> tells it.</param>
public sealed record DiscoveryResult(IPEndPoint? Tracker, TargetMiss? Miss)
{
    /// <summary>Everything that was tried, per interface and method; null for a typed <c>--discovery-target</c>.</summary>
    public DiscoveryReport? Report { get; init; }
}
