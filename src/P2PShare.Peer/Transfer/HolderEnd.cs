namespace P2PShare.Peer.Transfer;

/// <summary>How one connection to a holder ended, and so what becomes of the holder.</summary>
/// <param name="Reason">Why it was dropped, in plain words; null when the download itself ended.</param>
/// <param name="Retry">True for a connection fault (dialled again with backoff); false when it lied (never again).</param>
internal sealed record HolderEnd(string? Reason, bool Retry)
{
    /// <summary>The download completed or was stopped: nothing to hold against the holder.</summary>
    public static HolderEnd Finished { get; } = new(null, Retry: false);

    /// <summary>A connection fault: the holder may well be back soon.</summary>
    public static HolderEnd Lost(string reason) => new(reason, Retry: true);

    /// <summary>Corrupt or forged data: the holder is not trusted again for this file.</summary>
    public static HolderEnd Banned(string reason) => new(reason, Retry: false);
}
