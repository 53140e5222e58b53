using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Peer.Discovery;

/// <summary>Asks the LAN (or the address in <see cref="DiscoveryOptions.Target"/>) for a tracker over UDP.</summary>
public static class DiscoveryClient
{
    /// <summary>
    /// Sends up to <see cref="DiscoveryOptions.Attempts"/> requests, each waiting
    /// <see cref="DiscoveryOptions.Timeout"/>, and returns the first tracker that answers properly
    /// (its address is where the reply came from). <see cref="DiscoveryResult.Tracker"/> is null,
    /// with the reason, when none did.
    /// </summary>
    public static async Task<DiscoveryResult> FindAsync(DiscoveryOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        string nonce = DiscoveryCodec.NewNonce();
        string? proof = options.Secret is { } secret ? DiscoveryProof.ForRequest(secret, nonce) : null;
        byte[] request = DiscoveryCodec.Encode(new DiscoveryRequest(nonce, proof));
        var target = new IPEndPoint(options.Target, options.Port);
        using var socket = new Socket(options.Target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (options.Target.AddressFamily == AddressFamily.InterNetwork)
            socket.EnableBroadcast = true;
        var buffer = new byte[DiscoveryCodec.MaxDatagramLength + 1];
        for (int attempt = 1; attempt <= options.Attempts; attempt++)
        {
            try
            {
                await socket.SendToAsync(request, SocketFlags.None, target, cancellationToken);
                PeerLog.DiscoverySent(logger, target.ToString(), attempt);
            }
            catch (SocketException e)
            {
                return new DiscoveryResult(null, $"could not send to {target}: {e.Message}");
            }
            var found = await ReceiveReplyAsync(socket, buffer, nonce, options, logger, cancellationToken);
            if (found is not null)
                return new DiscoveryResult(found, null);
        }
        return new DiscoveryResult(null, $"no tracker answered at {target} ({options.Attempts} tries, {options.Timeout.TotalSeconds:0.#} s each)");
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
                var reply = DiscoveryCodec.DecodeReply(buffer.AsSpan(0, received.ReceivedBytes));
                if (reply.Nonce != nonce)
                    throw new ProtocolException("it answers another request");
                if (options.Secret is { } secret && !DiscoveryProof.Matches(reply.Proof, DiscoveryProof.ForReply(secret, nonce, reply.Port)))
                    throw new ProtocolException("it does not prove the network secret");
                var address = from.Address.IsIPv4MappedToIPv6 ? from.Address.MapToIPv4() : from.Address;
                return new IPEndPoint(address, reply.Port);
            }
            catch (ProtocolException e)
            {
                PeerLog.DiscoveryReplyIgnored(logger, from.ToString(), e.Message);
            }
        }
    }
}
