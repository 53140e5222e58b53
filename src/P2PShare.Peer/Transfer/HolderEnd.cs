namespace P2PShare.Peer.Transfer;

/// <summary>How one connection to a holder ended, and so what becomes of the holder.</summary>
/// <param name="Reason">Why it was dropped, in plain words; null when the download itself ended.</param>
/// <param name="Retry">True for a connection fault (dialled again with backoff); false when it lied (never again) or does not hold the file.</param>
/// <param name="Absent">It said it does not hold the file: dialled again only once the tracker, having left it out, lists it again.</param>
internal sealed record HolderEnd(string? Reason, bool Retry, bool Absent = false)
{
    /// <summary>The download completed or was stopped: nothing to hold against the holder.</summary>
    public static HolderEnd Finished { get; } = new(null, Retry: false);

    /// <summary>A connection fault: the holder may well be back soon.</summary>
    public static HolderEnd Lost(string reason) => new(reason, Retry: true);

    /// <summary>Corrupt or forged data: the holder is not trusted again for this file.</summary>
    public static HolderEnd Banned(string reason) => new(reason, Retry: false);

    /// <summary>It answered that it does not have the file (deleted or changed there): no fault to retry, it simply is no holder now.</summary>
    public static HolderEnd NotHolding(string reason) => new(reason, Retry: false, Absent: true);
}
