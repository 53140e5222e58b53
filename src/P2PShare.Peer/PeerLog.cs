using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer;

/// <summary>The peer's diagnostics (event ids 200-299; storage uses 100-199).</summary>
internal static partial class PeerLog
{
    [LoggerMessage(200, LogLevel.Information, "Serving pieces on {Endpoint} from {Repository}")]
    public static partial void Serving(ILogger logger, string endpoint, string repository);

    [LoggerMessage(201, LogLevel.Debug, "Connection from {Remote} accepted")]
    public static partial void ServeAccepted(ILogger logger, string remote);

    [LoggerMessage(202, LogLevel.Warning, "Connection from {Remote} closed: {Reason}")]
    public static partial void ServeFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(206, LogLevel.Debug, "Connection from {Remote} ended by the fetcher: {Reason}")]
    public static partial void ServeEndedByFetcher(ILogger logger, string remote, string reason);

    /// <summary>A served connection failed: news (a warning) unless the fetcher simply went away, as one that finished does.</summary>
    public static void ServeEnded(ILogger logger, string remote, Exception cause)
    {
        if (ConnectionFaults.IsEndedByOtherSide(cause))
            ServeEndedByFetcher(logger, remote, cause.Message);
        else
            ServeFailed(logger, remote, cause.Message);
    }

    [LoggerMessage(207, LogLevel.Debug, "Connection from {Remote} closed during the handshake")]
    public static partial void ServeClosedInHandshake(ILogger logger, string remote);

    /// <summary>A connection that never got through the handshake: a refusal (<paramref name="refusal"/>) is news; a peer that closed (gave up, or left) is not.</summary>
    public static void ServeNotGreeted(ILogger logger, string remote, string? refusal)
    {
        if (refusal is null)
            ServeClosedInHandshake(logger, remote);
        else
            ServeRefused(logger, remote, refusal);
    }

    [LoggerMessage(203, LogLevel.Warning, "Refused connection from {Remote}: {Reason}")]
    public static partial void ServeRefused(ILogger logger, string remote, string reason);

    [LoggerMessage(205, LogLevel.Warning, "Closing the connection from {Remote}: frames on all connections hold as much memory as allowed ({Reason})")]
    public static partial void ServeFrameMemoryExhausted(ILogger logger, string remote, string reason);

    [LoggerMessage(204, LogLevel.Warning, "Accepting connections failed: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string reason);

    [LoggerMessage(210, LogLevel.Information, "Joined tracker {Endpoint}")]
    public static partial void TrackerJoined(ILogger logger, string endpoint);

    [LoggerMessage(211, LogLevel.Warning, "Lost the tracker {Endpoint}: {Reason}")]
    public static partial void TrackerLost(ILogger logger, string endpoint, string reason);

    [LoggerMessage(212, LogLevel.Debug, "Tracker asked for a refresh; reporting {Count} files")]
    public static partial void TrackerRefresh(ILogger logger, int count);

    [LoggerMessage(214, LogLevel.Warning, "Tracker asked for a refresh; reporting the files known so far, as the folder's rescan did not end: {Reason}")]
    public static partial void RefreshRescanUnfinished(ILogger logger, string reason);

    [LoggerMessage(213, LogLevel.Debug, "Could not tell the tracker about {Pieces} verified pieces: {Reason}")]
    public static partial void HaveFailed(ILogger logger, int pieces, string reason);

    [LoggerMessage(220, LogLevel.Warning, "Peer {Peer} unusable for {File}: {Reason}")]
    public static partial void PeerDropped(ILogger logger, string peer, string file, string reason);

    [LoggerMessage(221, LogLevel.Warning, "Peer {Peer} sent a corrupt piece {Piece} of {File}; dropping it")]
    public static partial void CorruptPiece(ILogger logger, string peer, int piece, string file);

    [LoggerMessage(222, LogLevel.Debug, "Peer {Peer} lacks piece {Piece} of {File}")]
    public static partial void PieceNotFound(ILogger logger, string peer, int piece, string file);

    [LoggerMessage(229, LogLevel.Debug, "Peer {Peer} sent piece {Piece} of {File} to another downloader moments ago; waiting to get it there")]
    public static partial void PieceElsewhere(ILogger logger, string peer, int piece, string file);

    [LoggerMessage(223, LogLevel.Debug, "Piece {Piece} of {File} from {Peer}")]
    public static partial void PieceReceived(ILogger logger, int piece, string file, string peer);

    [LoggerMessage(301, LogLevel.Debug, "New holder {Peer} of {File} found while downloading; fetching from it too")]
    public static partial void HolderAdded(ILogger logger, string peer, string file);

    [LoggerMessage(260, LogLevel.Debug, "Connected to holder {Peer} of {File}")]
    public static partial void HolderConnected(ILogger logger, string peer, string file);

    [LoggerMessage(261, LogLevel.Warning, "Lost holder {Peer} of {File}: {Reason}; dialling it again in {Milliseconds:0} ms")]
    public static partial void HolderLost(ILogger logger, string peer, string file, string reason, double milliseconds);

    [LoggerMessage(263, LogLevel.Debug, "Holder {Peer} of {File} left (it said bye after its last pieces); looking for it again in {Milliseconds:0} ms in case it restarts")]
    public static partial void HolderLeft(ILogger logger, string peer, string file, double milliseconds);

    [LoggerMessage(262, LogLevel.Debug, "Holder {Peer} of {File} unreachable: {Reason}; dialling it again in {Milliseconds:0} ms")]
    public static partial void HolderUnreachable(ILogger logger, string peer, string file, string reason, double milliseconds);

    [LoggerMessage(224, LogLevel.Warning, "Download of {File} failed: {Reason}")]
    public static partial void DownloadFailed(ILogger logger, string file, string reason);

    [LoggerMessage(610, LogLevel.Debug, "Discovery request {Attempt} sent to {Target}")]
    public static partial void DiscoverySent(ILogger logger, string target, int attempt);

    [LoggerMessage(611, LogLevel.Debug, "Ignored a discovery reply from {Remote}: {Reason}")]
    public static partial void DiscoveryReplyIgnored(ILogger logger, string remote, string reason);

    [LoggerMessage(500, LogLevel.Debug, "Reconnecting to tracker {Endpoint} in {Milliseconds:0} ms (attempt {Attempt})")]
    public static partial void ReconnectWaiting(ILogger logger, string endpoint, double milliseconds, int attempt);

    [LoggerMessage(501, LogLevel.Information, "Reconnect attempt {Attempt} to tracker {Endpoint} failed: {Reason}")]
    public static partial void ReconnectFailed(ILogger logger, int attempt, string endpoint, string reason);

    [LoggerMessage(502, LogLevel.Information, "Reconnected to tracker {Endpoint} after {Attempt} attempts")]
    public static partial void Reconnected(ILogger logger, string endpoint, int attempt);

    [LoggerMessage(503, LogLevel.Debug, "A notice for the user could not be shown: {Reason}")]
    public static partial void NoticeLost(ILogger logger, string reason);

    [LoggerMessage(400, LogLevel.Error, "Connection from {Remote} failed unexpectedly")]
    public static partial void ServeCrashed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(741, LogLevel.Debug, "Dropped queued request {Request}: the fetcher cancelled it")]
    public static partial void ServeCancelled(ILogger logger, long request);

    [LoggerMessage(743, LogLevel.Debug, "Asked {Peer} for piece {Piece} of '{File}' ({Rule})")]
    public static partial void PieceRequested(ILogger logger, string peer, int piece, string file, P2PShare.Peer.Transfer.PickRule rule);

    [LoggerMessage(744, LogLevel.Debug, "Sent piece {Piece} of {File} to {Fetcher} (may defer: {MayDefer})")]
    public static partial void PieceSent(ILogger logger, int piece, string file, string fetcher, bool mayDefer);

    [LoggerMessage(742, LogLevel.Debug, "Cancelled the request for piece {Piece} of '{File}' at {Peer}: it came from another peer first")]
    public static partial void DuplicateCancelled(ILogger logger, string peer, int piece, string file);

    [LoggerMessage(225, LogLevel.Debug, "Tracker {Tracker}: {Line}")] // the user is told already; this keeps it in a debug log
    public static partial void AnnounceRefused(ILogger logger, string tracker, string line);

    [LoggerMessage(226, LogLevel.Debug, "Tracker {Tracker}: the list came in pages, {Count} files in all")]
    public static partial void ListPaged(ILogger logger, string tracker, int count);

    [LoggerMessage(227, LogLevel.Information, "Holders of {File} claim {Shapes} shapes; its manifest says {Length} bytes in pieces of {PieceLength}")]
    public static partial void ShapeSettled(ILogger logger, string file, int shapes, long length, int pieceLength);

    [LoggerMessage(228, LogLevel.Debug, "No manifest of {File} from {Holder}: {Reason}")]
    public static partial void ShapeProbeFailed(ILogger logger, string holder, string file, string reason);

    [LoggerMessage(612, LogLevel.Debug, "Not listening for tracker beacons: {Reason}")]
    public static partial void BeaconUnavailable(ILogger logger, string reason);

    [LoggerMessage(230, LogLevel.Warning, "A folder's batch of small files stopped early ({Reason}); the rest are fetched one by one")]
    public static partial void BatchFailed(ILogger logger, string reason);

    [LoggerMessage(232, LogLevel.Warning, "A folder's batch of small files broke down ({Reason}); the rest are fetched one by one")]
    public static partial void BatchFaulted(ILogger logger, string reason, Exception exception);

    [LoggerMessage(231, LogLevel.Debug, "A folder's batch placed {Placed} of {Files} small files from {Holders} holders: holders looked up in {LookupMilliseconds} ms, done in {Milliseconds} ms")]
    public static partial void BatchDone(ILogger logger, int placed, int files, int holders, long lookupMilliseconds, long milliseconds);

    [LoggerMessage(245, LogLevel.Debug, "A folder's {Request} waits for the tracker to come back (up to {Seconds:0.0} s more)")]
    public static partial void TrackerAwaited(ILogger logger, string request, double seconds);

    [LoggerMessage(246, LogLevel.Debug, "A folder's {Request} found no holder just after the tracker came back; asking again while holders report themselves (up to {Seconds:0.0} s more)")]
    public static partial void HoldersAwaited(ILogger logger, string request, double seconds);
}
