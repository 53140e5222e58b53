namespace P2PShare.Tracker.Registry;

/// <summary>
/// How much one client may have the tracker hold for it, so that one client cannot fill the
/// registry, or the list every other peer reads. Entries past a limit are refused, not the client.
/// </summary>
/// <param name="MaxFiles">Holdings recorded per client.</param>
/// <param name="MaxNameBytes">UTF-8 bytes of the names of a client's holdings, together (names are what a list entry's size varies by).</param>
public sealed record AnnounceLimits(int MaxFiles, long MaxNameBytes)
{
    /// <summary>10,000 files and 1 MiB of names a client: a large repository fits, and the list of a whole LAN stays pageable.</summary>
    public static AnnounceLimits Default { get; } = new(10_000, 1024 * 1024);
}
