namespace P2PShare.Protocol;

/// <summary>
/// Every size limit of the wire format, and the time a frame may take, with its default. Limits are checked before anything is
/// allocated, so a hostile length prefix costs the receiver nothing.
/// </summary>
public sealed record ProtocolLimits
{
    /// <summary>The protocol version this build speaks; carried by the first message of every connection.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Largest frame accepted (header plus payload): 16 MiB, room for the largest piece plus its header.</summary>
    public int MaxFrameLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Largest frame accepted before the handshake completes: 64 KiB. A hello, challenge, proof or
    /// welcome needs a few hundred bytes; until the other side has proved its secret (or, on an open
    /// network, said hello) it may not make us hold a 16 MiB frame.
    /// </summary>
    public int MaxHandshakeFrameLength { get; init; } = 64 * 1024;

    /// <summary>Largest text header accepted: 4 MiB, enough for a list of tens of thousands of files.</summary>
    public int MaxHeaderLength { get; init; } = 4 * 1024 * 1024;

    /// <summary>Largest piece length a manifest may declare: 8 MiB.</summary>
    public int MaxPieceLength { get; init; } = 8 * 1024 * 1024;

    /// <summary>Most pieces a manifest may list: 262,144, so a manifest (32 bytes a piece) stays at 8 MiB, inside one frame.</summary>
    public int MaxPieceCount { get; init; } = 256 * 1024;

    /// <summary>Most entries in one list message (files, holders).</summary>
    public int MaxListEntries { get; init; } = 100_000;

    /// <summary>
    /// Longest a frame may take from its first byte to its last: 30 s (an 8 MiB piece then needs at
    /// least 0.3 MB/s). Bounds a connection held by half a frame, whatever the idle timeout
    /// (the tracker's is infinite). <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan FrameTimeout
    {
        get;
        init => field = value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(FrameTimeout), value, "must be positive or infinite");
    } = TimeSpan.FromSeconds(30);

    /// <summary>The defaults.</summary>
    public static ProtocolLimits Default { get; } = new();
}
