using System.Net;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Framing;
using P2PShare.Tracker.Discovery;
using P2PShare.Tracker.Registry;

namespace P2PShare.Tracker;

/// <summary>
/// Every timeout and limit of the tracker, with its default. Built once from the command line and
/// passed down; tests change it with <c>with</c>.
/// </summary>
public sealed record TrackerOptions
{
    /// <summary>The port the tracker listens on unless told otherwise.</summary>
    public const int DefaultPort = 12500;

    /// <summary>TCP port to listen on; 0 lets the OS pick (read it back from <see cref="TrackerServer.LocalEndPoint"/>).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Address to listen on: every interface by default; tests use loopback.</summary>
    public IPAddress Host { get; init; } = IPAddress.Any;

    /// <summary>How long a new connection has to send its <c>hello</c>.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one reply may take to leave; a client that does not read for that long is dropped.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long <c>update</c> waits for the other peers' re-reports before answering with what it has.</summary>
    public TimeSpan UpdateWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a joined client may stay silent. Infinite by default: the protocol has no ping, a
    /// peer may idle for hours, and TCP keep-alive (below) finds peers that vanished.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = Timeout.InfiniteTimeSpan;

    /// <summary>Idle time before TCP keep-alive probes start on a client connection.</summary>
    public TimeSpan KeepAliveTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Time between TCP keep-alive probes.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Unanswered keep-alive probes before the OS declares the connection dead.</summary>
    public int KeepAliveRetryCount { get; init; } = 3;

    /// <summary>How long stopping waits for goodbyes and client threads before giving up on them.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Connections served at once; one more is answered <c>busy</c> and closed.</summary>
    public int MaxClients { get; init; } = 1024;

    /// <summary>UDP discovery (a peer's bare <c>start</c> finds the tracker); null: off. The program turns it on; tests choose.</summary>
    public DiscoveryResponderOptions? Discovery { get; init; }

    /// <summary>
    /// Connections served at once from one remote address, so one host cannot take every slot.
    /// Many peers on one machine (or a load test on loopback) need it raised.
    /// </summary>
    public int MaxClientsPerAddress { get; init; } = 64;

    /// <summary>The network's shared secret; null runs an open network (anyone who reaches the port may join).</summary>
    public SharedSecret? Secret { get; init; }

    /// <summary>
    /// Files one peer may have the tracker record; entries past it are refused (and reported), not
    /// the peer. Bounds what one client adds to every other peer's list.
    /// </summary>
    public int MaxFilesPerPeer { get; init; } = AnnounceLimits.Default.MaxFiles;

    /// <summary>UTF-8 bytes of file names one peer may have the tracker record, together; entries past it are refused.</summary>
    public long MaxNameBytesPerPeer { get; init; } = AnnounceLimits.Default.MaxNameBytes;

    /// <summary>
    /// Largest header of a <c>files</c> or <c>holders</c> reply: a longer list is paged (<c>files</c>)
    /// or cut to its oldest holders (<c>holders</c>). At most <see cref="ProtocolLimits.MaxHeaderLength"/>;
    /// smaller keeps one list from holding a client's connection for long.
    /// </summary>
    public int MaxReplyHeaderBytes { get; init; } = 1024 * 1024;

    /// <summary>Refused announce entries named one by one in the answer (and the log); the rest are counted.</summary>
    public int MaxRefusalsListed { get; init; } = 100;

    /// <summary>Frame and list limits of the wire format.</summary>
    public ProtocolLimits Limits { get; init; } = ProtocolLimits.Default;

    /// <summary>
    /// Most bytes that frames being read may hold across all clients together; a client whose frame
    /// would go over it is disconnected with a warning (see <see cref="FrameMemoryBudget"/>).
    /// </summary>
    public long MaxFrameMemory { get; init; } = FrameMemoryBudget.DefaultServerBytes;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Host, nameof(Host));
        ArgumentNullException.ThrowIfNull(Limits, nameof(Limits));
        ArgumentOutOfRangeException.ThrowIfNegative(Port, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, IPEndPoint.MaxPort, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxClients, 1, nameof(MaxClients));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxClientsPerAddress, 1, nameof(MaxClientsPerAddress));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFrameMemory, Limits.MaxHandshakeFrameLength, nameof(MaxFrameMemory));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFilesPerPeer, 0, nameof(MaxFilesPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNameBytesPerPeer, 0, nameof(MaxNameBytesPerPeer));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRefusalsListed, 0, nameof(MaxRefusalsListed));
        // A page always holds one entry of the longest name, and never breaks the header limit.
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReplyHeaderBytes, 16 * 1024, nameof(MaxReplyHeaderBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxReplyHeaderBytes, Limits.MaxHeaderLength, nameof(MaxReplyHeaderBytes));
        RequirePositive(HandshakeTimeout, nameof(HandshakeTimeout));
        RequirePositive(RequestTimeout, nameof(RequestTimeout));
        RequirePositive(UpdateWait, nameof(UpdateWait));
        RequirePositive(ShutdownTimeout, nameof(ShutdownTimeout));
        if (IdleTimeout != Timeout.InfiniteTimeSpan)
            RequirePositive(IdleTimeout, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAliveTime, TimeSpan.FromSeconds(1), nameof(KeepAliveTime));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAliveInterval, TimeSpan.FromSeconds(1), nameof(KeepAliveInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(KeepAliveRetryCount, 1, nameof(KeepAliveRetryCount));
    }

    private static void RequirePositive(TimeSpan value, string name) =>
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, name);
}
