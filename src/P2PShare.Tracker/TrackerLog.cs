using Microsoft.Extensions.Logging;

namespace P2PShare.Tracker;

/// <summary>The tracker's diagnostics (event ids 1-99). Clients are named by the address they connected from.</summary>
internal static partial class TrackerLog
{
    [LoggerMessage(1, LogLevel.Information, "Tracker listening on {Endpoint}")]
    public static partial void Listening(ILogger logger, string endpoint);

    [LoggerMessage(2, LogLevel.Information, "Tracker stopping; saying goodbye to {Count} peers")]
    public static partial void Stopping(ILogger logger, int count);

    [LoggerMessage(3, LogLevel.Warning, "{Count} client threads had not ended {Seconds:0.#} s after the stop; leaving them to close")]
    public static partial void StopIncomplete(ILogger logger, int count, double seconds);

    [LoggerMessage(4, LogLevel.Information, "Tracker stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(10, LogLevel.Debug, "A connection failed while being accepted: {Reason}")]
    public static partial void AcceptClientFault(ILogger logger, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Accepting connections is short of resources ({Reason}); pausing {Milliseconds} ms")]
    public static partial void AcceptPressure(ILogger logger, string reason, double milliseconds);

    [LoggerMessage(12, LogLevel.Error, "Accepting connections failed ({Reason}); retrying in {Milliseconds} ms")]
    public static partial void AcceptFailed(ILogger logger, string reason, double milliseconds);

    [LoggerMessage(13, LogLevel.Warning, "Refused {Remote}: {Reason}")]
    public static partial void RefusedBusy(ILogger logger, string remote, string reason);

    [LoggerMessage(14, LogLevel.Warning, "Could not set up the connection from {Remote}: {Reason}")]
    public static partial void SetupFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(15, LogLevel.Debug, "Busy refusal to {Remote} ended: {Reason}")]
    public static partial void RefusalEnded(ILogger logger, string remote, string reason);

    [LoggerMessage(20, LogLevel.Debug, "Connection from {Remote} accepted")]
    public static partial void Connected(ILogger logger, string remote);

    [LoggerMessage(21, LogLevel.Information, "{Remote} did not complete the handshake (closed, or refused for its first message, version or role)")]
    public static partial void HandshakeRefused(ILogger logger, string remote);

    [LoggerMessage(22, LogLevel.Information, "Handshake with {Remote} failed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(23, LogLevel.Information, "Peer {Remote} joined, serving pieces on {Serving} ({Agent})")]
    public static partial void Joined(ILogger logger, string remote, string serving, string agent);

    [LoggerMessage(24, LogLevel.Information, "Peer {Remote} left: {Reason}")]
    public static partial void Left(ILogger logger, string remote, string reason);

    [LoggerMessage(25, LogLevel.Warning, "Closing the connection from {Remote}: malformed message ({Reason})")]
    public static partial void Malformed(ILogger logger, string remote, string reason);

    [LoggerMessage(27, LogLevel.Warning, "Closing the connection from {Remote}: frames on all connections hold as much memory as allowed ({Reason})")]
    public static partial void FrameMemoryExhausted(ILogger logger, string remote, string reason);

    [LoggerMessage(26, LogLevel.Error, "Connection from {Remote} failed unexpectedly")]
    public static partial void Failed(ILogger logger, string remote, Exception exception);

    [LoggerMessage(30, LogLevel.Debug, "{Remote} announced {Accepted} of {Total} files")]
    public static partial void Announced(ILogger logger, string remote, int accepted, int total);

    [LoggerMessage(31, LogLevel.Warning, "{Remote}: {Rejection}")]
    public static partial void AnnounceRejected(ILogger logger, string remote, string rejection);

    [LoggerMessage(36, LogLevel.Warning, "{Remote}: {More} more entries rejected, not logged one by one")]
    public static partial void AnnounceRejectedMore(ILogger logger, string remote, int more);

    [LoggerMessage(37, LogLevel.Debug, "{Remote}: refused a 'list' with the cursor '{After}', which is not one this tracker made")]
    public static partial void BadCursor(ILogger logger, string remote, string after);

    [LoggerMessage(32, LogLevel.Debug, "{Remote}: ignored 'have' for piece {Piece} of {File}: {Result}")]
    public static partial void HaveIgnored(ILogger logger, string remote, int piece, string file, string result);

    [LoggerMessage(740, LogLevel.Debug, "{Remote}: ignored 'have_set' of {Pieces} pieces of {File}: {Result}")]
    public static partial void HaveSetIgnored(ILogger logger, string remote, int pieces, string file, string result);

    [LoggerMessage(33, LogLevel.Information, "{Remote} asked '{Type}', which the tracker does not answer")]
    public static partial void UnknownRequest(ILogger logger, string remote, string type);

    [LoggerMessage(34, LogLevel.Debug, "{Remote} sent '{Type}' without a request id; ignored")]
    public static partial void Ignored(ILogger logger, string remote, string type);

    [LoggerMessage(35, LogLevel.Warning, "The '{Type}' reply to {Remote} is too large to send: {Reason}")]
    public static partial void ReplyTooLarge(ILogger logger, string type, string remote, string reason);

    [LoggerMessage(40, LogLevel.Information, "{Remote} asked for an update; refreshing {Count} other peers")]
    public static partial void UpdateStarted(ILogger logger, string remote, int count);

    [LoggerMessage(41, LogLevel.Debug, "{Remote} re-reported {Count} files")]
    public static partial void RefreshAnswered(ILogger logger, string remote, int count);

    [LoggerMessage(42, LogLevel.Warning, "{Remote} did not answer a refresh within {Seconds:0.#} s; keeping what it reported before")]
    public static partial void RefreshSilent(ILogger logger, string remote, double seconds);

    [LoggerMessage(43, LogLevel.Warning, "Refresh of {Remote} failed: {Reason}")]
    public static partial void RefreshFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(44, LogLevel.Information, "Update for {Remote}: {Answered} of {Asked} peers re-reported; {Files} files in the network")]
    public static partial void UpdateFinished(ILogger logger, string remote, int answered, int asked, int files);

    [LoggerMessage(45, LogLevel.Information, "Update for {Remote} could not be answered: {Reason}")]
    public static partial void UpdateFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(600, LogLevel.Information, "Answering tracker discovery on UDP {Endpoint}")]
    public static partial void DiscoveryListening(ILogger logger, string endpoint);

    // Information, not Warning: the program says it in words already ("Discovery is off (…)"), once at the default level.
    [LoggerMessage(601, LogLevel.Information, "Tracker discovery is off: cannot bind UDP port {Port}: {Reason}")]
    public static partial void DiscoveryUnavailable(ILogger logger, int port, string reason);

    [LoggerMessage(602, LogLevel.Debug, "Answered discovery from {Remote}")]
    public static partial void DiscoveryAnswered(ILogger logger, string remote);

    [LoggerMessage(603, LogLevel.Debug, "Ignored a discovery datagram from {Remote}: {Reason}")]
    public static partial void DiscoveryIgnored(ILogger logger, string remote, string reason);

    [LoggerMessage(604, LogLevel.Debug, "Discovery socket error: {Reason}")]
    public static partial void DiscoveryReceiveFailed(ILogger logger, string reason);

    [LoggerMessage(401, LogLevel.Warning, "Refused {Remote} in the handshake: {Reason}")]
    public static partial void HandshakeRefusedBecause(ILogger logger, string remote, string reason);

    [LoggerMessage(605, LogLevel.Information, "Advertising {Instance} by mDNS on UDP {Port}")]
    public static partial void MdnsListening(ILogger logger, string instance, int port);

    // Information for the same reason: "mDNS is off (…)" is printed.
    [LoggerMessage(606, LogLevel.Information, "mDNS advertising is off: cannot bind UDP port {Port}: {Reason}")]
    public static partial void MdnsUnavailable(ILogger logger, int port, string reason);

    [LoggerMessage(607, LogLevel.Debug, "mDNS over IPv6 is off: {Reason}")]
    public static partial void MdnsIPv6Off(ILogger logger, string reason);

    [LoggerMessage(608, LogLevel.Debug, "Could not join the mDNS group on {Interface}: {Reason}")]
    public static partial void MdnsJoinFailed(ILogger logger, string @interface, string reason);

    [LoggerMessage(609, LogLevel.Debug, "Answered an mDNS query from {Remote} by {How}")]
    public static partial void MdnsAnswered(ILogger logger, string remote, string how);

    [LoggerMessage(610, LogLevel.Debug, "Announced the tracker by mDNS on {Interfaces} interfaces")]
    public static partial void MdnsAnnounced(ILogger logger, int interfaces);

    [LoggerMessage(611, LogLevel.Debug, "mDNS send to {Target} on {Interface} failed: {Reason}")]
    public static partial void MdnsSendFailed(ILogger logger, string target, string @interface, string reason);
}
