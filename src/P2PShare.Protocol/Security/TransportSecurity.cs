using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Protocol.Security;

// Certificate validation is replaced by the channel-bound secret proof, not skipped (see the class comment).
#pragma warning disable CA5359

/// <summary>
/// The layer under the frames (PROTOCOL.md §6.1): with a shared secret, TLS 1.3 starts right after the
/// TCP connect, before any frame, the connecting side as TLS client; without one, the plain TCP stream.
/// Any certificate is accepted here: the secret proof that follows binds both certificates
/// (<see cref="ChannelBinding"/>), which is what makes a relay in the middle fail.
/// </summary>
public static class TransportSecurity
{
    /// <summary>
    /// The first byte of every TLS connection (a handshake record). A frame before the handshake is at
    /// most 64 KiB, so its first byte is 0: one byte tells the two apart.
    /// </summary>
    public const byte TlsHandshakeRecord = 0x16;

    /// <summary>
    /// The connecting side: with <paramref name="secret"/>, a TLS 1.3 handshake within <paramref name="timeout"/>.
    /// Throws <see cref="RemoteErrorException"/> when the other side answered with a plain refusal (it
    /// runs without a secret), <see cref="ProtocolException"/> when TLS failed otherwise, <see cref="TimeoutException"/> when silent.
    /// </summary>
    public static async Task<SecuredConnection> ConnectAsync(Stream network, SharedSecret? secret, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (secret is null)
            return new SecuredConnection(network, null);
        var transport = new TlsRecordTransport(network, null);
        var recorder = new FirstBytesRecorder(transport);
        var tls = new SslStream(recorder, leaveInnerStreamOpen: false);
        var certificate = TlsIdentity.ForThisProcess;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "p2pshare",
            EnabledSslProtocols = SslProtocols.Tls13,
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
            RemoteCertificateValidationCallback = AcceptAnyCertificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowTlsResume = false, // a resumed session shows no certificate to bind
        };
        try
        {
            await HandshakeWithinAsync(token => tls.AuthenticateAsClientAsync(options, token), timeout, cancellationToken);
            recorder.Stop();
            transport.GatherWrites = true;
            return new SecuredConnection(tls, ChannelBinding.FromCertificates(certificate, tls.RemoteCertificate!));
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            var refused = PlainRefusal(recorder.Recorded);
            await tls.DisposeAsync();
            if (refused is not null)
                throw new RemoteErrorException(refused.Code, refused.Text);
            throw new ProtocolException($"the TLS handshake failed ({e.Message}): the other side runs without a secret, an older version, or something in between interfered");
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The accepting side: looks at the first byte (within <paramref name="timeout"/>) and starts TLS when
    /// it is a TLS handshake and we have <paramref name="secret"/>. A TLS client meeting an open side is
    /// answered with a plain <c>auth</c> error frame; a plain hello meeting a secret is left to the handshake, which refuses it.
    /// </summary>
    public static Task<AcceptedTransport> AcceptAsync(Socket socket, Stream network, SharedSecret? secret, TimeSpan timeout, CancellationToken cancellationToken) =>
        AcceptAsync(socket, network, secret, null, timeout, cancellationToken);

    /// <summary>
    /// As <see cref="AcceptAsync(Socket, Stream, SharedSecret?, TimeSpan, CancellationToken)"/>, charging the TLS
    /// transport's buffers, while they hold bytes, to <paramref name="budget"/> (a server's frame memory).
    /// </summary>
    public static async Task<AcceptedTransport> AcceptAsync(Socket socket, Stream network, SharedSecret? secret, FrameMemoryBudget? budget, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(network);
        byte[] first = new byte[1];
        int peeked = 0;
        await HandshakeWithinAsync(async token => peeked = await socket.ReceiveAsync(first, SocketFlags.Peek, token), timeout, cancellationToken);
        if (peeked == 0)
            return new AcceptedTransport(null, null);
        if (first[0] != TlsHandshakeRecord)
            return new AcceptedTransport(new SecuredConnection(network, null), null);
        if (secret is null)
            return new AcceptedTransport(null, await RefuseTlsAsync(socket, network, timeout, cancellationToken));

        var transport = new TlsRecordTransport(network, budget);
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        var certificate = TlsIdentity.ForThisProcess;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = AcceptAnyCertificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowTlsResume = false,
        };
        try
        {
            await HandshakeWithinAsync(token => tls.AuthenticateAsServerAsync(options, token), timeout, cancellationToken);
            transport.GatherWrites = true;
            if (tls.RemoteCertificate is not { } theirs)
            {
                await tls.DisposeAsync();
                return new AcceptedTransport(null, "the TLS client presented no certificate, so no proof could be bound to the session");
            }
            return new AcceptedTransport(new SecuredConnection(tls, ChannelBinding.FromCertificates(theirs, certificate)), null);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            await tls.DisposeAsync();
            return new AcceptedTransport(null, $"the TLS handshake failed: {e.Message}");
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    // Any certificate passes the TLS layer: the secret proof binds the ones seen (see the class comment).
    private static bool AcceptAnyCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) => true;

    private static async Task HandshakeWithinAsync(Func<CancellationToken, Task> step, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await step(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no TLS handshake within {timeout.TotalSeconds:0.#} s");
        }
    }

    // An open side meeting TLS: read the client's first record (closing with unread bytes would reset
    // the connection and lose our answer), answer in plain frames as to a hello, and close.
    private static async Task<string> RefuseTlsAsync(Socket socket, Stream network, TimeSpan timeout, CancellationToken cancellationToken)
    {
        const string text = "this side runs without a secret (an open network) and cannot check yours: give both sides the same secret, or neither";
        try
        {
            byte[] record = new byte[5 + ushort.MaxValue];
            await HandshakeWithinAsync(async token =>
            {
                await network.ReadExactlyAsync(record.AsMemory(0, 5), token);
                await network.ReadExactlyAsync(record.AsMemory(5, BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(3))), token);
                await using var channel = new MessageChannel(network);
                await channel.SendAsync(new ErrorReply(ErrorCodes.Auth, text) { ReplyTo = 1 }, default, token);
                socket.Shutdown(SocketShutdown.Send);
            }, timeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException || ConnectionFaults.IsFault(e))
        {
            // They will see the connection close.
        }
        return "the other side started TLS (it has a secret) but this side runs without one";
    }

    // The refusal frame an open side sends a TLS client, if that is what the recorded bytes hold.
    private static ErrorReply? PlainRefusal(ReadOnlySpan<byte> recorded)
    {
        try
        {
            if (recorded.Length < FrameLayout.PrefixLength || recorded[0] == TlsHandshakeRecord)
                return null;
            var (headerLength, _) = FrameLayout.ReadPrefix(recorded, ProtocolLimits.Default);
            if (recorded.Length < FrameLayout.PrefixLength + headerLength)
                return null;
            var header = Codec.Header.Parse(recorded.Slice(FrameLayout.PrefixLength, headerLength));
            return MessageCodec.Decode(header) as ErrorReply;
        }
        catch (ProtocolException)
        {
            return null;
        }
    }
}
#pragma warning restore CA5359
