namespace P2PShare.Peer.Discovery;

/// <summary>
/// What one discovery run tried and what came back, per interface and per method. The <c>discover</c>
/// command prints it (<c>Commands/DiscoveryText</c>), with the likely cause when nothing answered.
/// </summary>
/// <param name="Probes">One outcome per interface and method, in the order they were tried.</param>
/// <param name="Found">Every tracker that answered, first first.</param>
/// <param name="Elapsed">How long the run took.</param>
/// <param name="DiscoveryPort">The UDP discovery port asked on.</param>
public sealed record DiscoveryReport(IReadOnlyList<ProbeOutcome> Probes, IReadOnlyList<FoundTracker> Found, TimeSpan Elapsed, int DiscoveryPort)
{
    /// <summary>The first tracker that answered, or null.</summary>
    public FoundTracker? First => Found.Count > 0 ? Found[0] : null;
}
