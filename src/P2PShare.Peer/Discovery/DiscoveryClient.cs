using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Net;
using P2PShare.Protocol;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Peer.Discovery;

/// <summary>
/// Asks for a tracker over UDP: on every interface by broadcast and mDNS, then by a bounded sweep
/// of each /24 (<see cref="DiscoveryRun"/>); or only at <see cref="DiscoveryOptions.Target"/> when one is given.
/// </summary>
public static class DiscoveryClient
{
    /// <summary>
    /// Returns the first tracker that answers properly (its address is where the reply came from,
    /// or its mDNS address). <see cref="DiscoveryResult.Tracker"/> is null, with the reason, when none did.
    /// </summary>
    public static async Task<DiscoveryResult> FindAsync(DiscoveryOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.Target is { } target)
            return await AskOneAsync(target, options, logger, cancellationToken);
        var report = await DiscoveryRun.RunAsync(options, LinkInterface.All(), diagnose: false, logger, cancellationToken);
        return new DiscoveryResult(report.First?.Endpoint, null) { Report = report }; // the command layer words why nothing answered
    }

    /// <summary>
    /// Tries every method on every interface and reports each (the <c>discover</c> command): it
    /// listens out the whole broadcast and mDNS window even after an answer, and sweeps only when nothing answered.
    /// </summary>
    public static async Task<DiscoveryReport> DiagnoseAsync(DiscoveryOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        if (options.Target is { } target)
        {
            var outcome = new ProbeOutcome(DiscoveryMethod.Target, "-", "any");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = await AskOneAsync(target, options, logger, cancellationToken);
            outcome.Sent = $"{options.Attempts} x {new IPEndPoint(target, options.Port)}";
            outcome.SentCount = options.Attempts;
            var found = new List<FoundTracker>();
            if (result.Tracker is { } tracker)
            {
                outcome.Tracker = tracker.ToString();
                outcome.FirstAnswerAfter = watch.Elapsed;
                found.Add(new FoundTracker(tracker, DiscoveryMethod.Target, "-", watch.Elapsed));
            }
            else
            {
                outcome.Error = result.Miss?.SendError;
            }
            return new DiscoveryReport([outcome], found, watch.Elapsed, options.Port);
        }
        return await DiscoveryRun.RunAsync(options, LinkInterface.All(), diagnose: true, logger, cancellationToken);
    }

    /// <summary>
    /// Sends up to <see cref="DiscoveryOptions.Attempts"/> requests to <paramref name="target"/>, each
    /// waiting <see cref="DiscoveryOptions.Timeout"/>, and returns the first tracker that answers properly.
    /// </summary>
    public static async Task<DiscoveryResult> AskOneAsync(IPAddress target, DiscoveryOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        string nonce = DiscoveryCodec.NewNonce();
        string? proof = options.Secret is { } secret ? DiscoveryProof.ForRequest(secret, nonce) : null;
        byte[] request = DiscoveryCodec.Encode(new DiscoveryRequest(nonce, proof));
        var to = new IPEndPoint(target, options.Port);
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (target.AddressFamily == AddressFamily.InterNetwork)
            socket.EnableBroadcast = true;
        var buffer = new byte[DiscoveryCodec.MaxDatagramLength + 1];
        for (int attempt = 1; attempt <= options.Attempts; attempt++)
        {
            try
            {
                await socket.SendToAsync(request, SocketFlags.None, to, cancellationToken);
                PeerLog.DiscoverySent(logger, to.ToString(), attempt);
            }
            catch (SocketException e)
            {
                return new DiscoveryResult(null, new TargetMiss(to, attempt, options.Timeout, e.Message));
            }
            var found = await ReceiveReplyAsync(socket, buffer, nonce, options, logger, cancellationToken);
            if (found is not null)
                return new DiscoveryResult(found, null);
        }
        return new DiscoveryResult(null, new TargetMiss(to, options.Attempts, options.Timeout, null));
    }

    /// <summary>
    /// The tracker <paramref name="reply"/> names, if it is a good answer to <paramref name="nonce"/> from
    /// <paramref name="from"/>; throws <see cref="ProtocolException"/> with the reason otherwise.
    /// </summary>
    internal static IPEndPoint CheckReply(ReadOnlySpan<byte> reply, IPEndPoint from, string nonce, DiscoveryOptions options)
    {
        var decoded = DiscoveryCodec.DecodeReply(reply);
        if (decoded.Nonce != nonce)
            throw new ProtocolException("it answers another request");
        if (options.Secret is { } secret && !DiscoveryProof.Matches(decoded.Proof, DiscoveryProof.ForReply(secret, nonce, decoded.Port)))
            throw new ProtocolException("it does not prove the network secret");
        var address = from.Address.IsIPv4MappedToIPv6 ? from.Address.MapToIPv4() : from.Address;
        return new IPEndPoint(address, decoded.Port);
    }

    // Waits out one attempt, skipping datagrams that are not a valid answer to our nonce.
    private static async Task<IPEndPoint?> ReceiveReplyAsync(Socket socket, byte[] buffer, string nonce, DiscoveryOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        EndPoint any = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (true)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
            catch (SocketException e)
            {
                // An ICMP "port unreachable" (nobody on the discovery port at a unicast target) lands here.
                PeerLog.DiscoveryReplyIgnored(logger, "?", e.Message);
                return null;
            }
            var from = (IPEndPoint)received.RemoteEndPoint;
            try
            {
                return CheckReply(buffer.AsSpan(0, received.ReceivedBytes), from, nonce, options);
            }
            catch (ProtocolException e)
            {
                PeerLog.DiscoveryReplyIgnored(logger, from.ToString(), e.Message);
            }
        }
    }
}
