using System.Net;

namespace P2PShare.Peer.Discovery;

/// <summary>A tracker that answered.</summary>
/// <param name="Endpoint">Its TCP address.</param>
/// <param name="Method">How it was found.</param>
/// <param name="Interface">The interface it answered on.</param>
/// <param name="After">Time from the start of discovery.</param>
public sealed record FoundTracker(IPEndPoint Endpoint, DiscoveryMethod Method, string Interface, TimeSpan After);
