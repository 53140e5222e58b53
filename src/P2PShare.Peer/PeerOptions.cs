using System.Net;
using P2PShare.Peer.Discovery;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;

namespace P2PShare.Peer;

/// <summary>Every timeout and limit of a peer, with its default; built once from the command line.</summary>
public sealed record PeerOptions
{
    /// <summary>The port pieces are served on; 0 lets the OS choose.</summary>
    public int Port { get; init; }

    /// <summary>The address the piece server binds to.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>The repository folder; null means <see cref="DefaultFolders.Shared"/>.</summary>
    public string? RepositoryPath { get; init; }

    /// <summary>The tracker to join when <c>start</c> names none.</summary>
    public string DefaultTracker { get; init; } = "127.0.0.1:12500";

    /// <summary>How <c>start</c> without an address looks for a tracker before trying <see cref="DefaultTracker"/>; null: it does not look.</summary>
    public DiscoveryOptions? Discovery { get; init; }

    /// <summary>Piece length for files we share; null chooses by file size.</summary>
    public int? PieceLength { get; init; }

    /// <summary>How long a TCP connect may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the other side may take to answer the opening hello.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request (to the tracker or a peer) may wait for its reply.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the tracker's <c>update</c> may take (it waits on every other peer).</summary>
    public TimeSpan UpdateTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a connection to our piece server may stay silent before we close it.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// When the piece server stops (the peer leaves): how long its fetchers get to take the piece
    /// already on its way to them before their connections are closed outright.
    /// </summary>
    public TimeSpan LeaveTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a download may make no progress (no holder has a missing piece) before it gives up.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a download waits while no holder is reachable (every one dropped for a connection
    /// fault, refusing, or restarting) before it fails; dropped holders are dialled again meanwhile.
    /// </summary>
    public TimeSpan HolderWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most holders of one download connected or being dialled at once; more are dialled as others drop.</summary>
    public int MaxHolderConnections { get; init; } = 50;

    /// <summary>First wait before dialling again a holder lost to a connection fault; doubles (with jitter) after each failed dial.</summary>
    public TimeSpan HolderRetryInitialDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between dials of a lost holder (a holder the tracker lists again is dialled at once).</summary>
    public TimeSpan HolderRetryMaxDelay { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>Piece requests kept in flight on one connection.</summary>
    public int RequestsInFlightPerPeer { get; init; } = 8;

    /// <summary>Most connections the piece server holds at once.</summary>
    public int MaxServeConnections { get; init; } = 256;

    /// <summary>First wait before reconnecting to a lost tracker; doubles after each failed attempt.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts to reconnect to a lost tracker.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Most connections the piece server holds at once from one IP address, so one host cannot take every slot.</summary>
    public int MaxServeConnectionsPerAddress { get; init; } = 32;

    /// <summary>The network's shared secret, proved on every connection we open or accept; null for an open network.</summary>
    public SharedSecret? Secret { get; init; }

    /// <summary>
    /// The longest a verified piece waits before the tracker is told of it; the pieces gained
    /// meanwhile go in one notice. Zero: a notice per piece.
    /// </summary>
    public TimeSpan HaveNoticeInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long the piece server remembers which fetcher it sent each piece to: a fetcher that may take
    /// the piece from a downloader (<c>defer::1</c>) and asks for one sent to another fetcher within this
    /// time is answered <c>elsewhere</c>. Zero: every request is served.
    /// </summary>
    public TimeSpan ElsewhereWindow { get; init; } = Network.RecentSends.DefaultWindow;

    /// <summary>How long a download leaves a piece a seeder answered <c>elsewhere</c> to the downloaders before asking a seeder again.</summary>
    public TimeSpan ElsewhereDeferral { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a download asks the tracker for holders that appeared since it started (peers still downloading the file too); sooner at first (<see cref="Transfer.RefreshPace"/>).</summary>
    public TimeSpan HolderRefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often, at most, a download's verified-piece state is rewritten (data flushed first). A crash
    /// loses at most this long's pieces; <c>stop</c> and <c>end</c> write it at once. Zero: after every piece.
    /// </summary>
    public TimeSpan StatePersistInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Wire-format limits.</summary>
    public ProtocolLimits Limits { get; init; } = ProtocolLimits.Default;

    /// <summary>
    /// Most bytes that frames being read by the piece server may hold across all its connections; a
    /// connection whose frame would go over it is closed with a warning (see <see cref="P2PShare.Protocol.Framing.FrameMemoryBudget"/>).
    /// </summary>
    public long MaxServeFrameMemory { get; init; } = P2PShare.Protocol.Framing.FrameMemoryBudget.DefaultServerBytes;

    /// <summary>
    /// False for a plain <c>get</c> saving into the current folder: the folder's files are not
    /// hashed or shared (it may be someone's home folder); only the file being downloaded is served.
    /// </summary>
    public bool ShareFolderContents { get; init; } = true;

    /// <summary>The repository folder actually used (absolute).</summary>
    public string ResolveRepository() => Path.GetFullPath(RepositoryPath ?? DefaultFolders.Shared());
}
