using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;
using P2PShare.Testing;

namespace P2PShare.Protocol.Tests.Security;

// A test client plays one that trusts whatever it is shown.
#pragma warning disable CA5359

/// <summary>The TLS layer under the frames (PROTOCOL.md §6.1) over real loopback sockets.</summary>
public sealed class TransportSecurityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly SharedSecret Secret = new("transport tests secret");

    [Fact]
    public async Task With_a_secret_both_ends_run_tls13_and_bind_the_same_two_certificates()
    {
        using var sockets = await SocketPair.ConnectAsync();
        var accepting = TransportSecurity.AcceptAsync(sockets.Server.Client, sockets.Server.GetStream(), Secret, Timeout, CancellationToken.None);
        var client = await TransportSecurity.ConnectAsync(sockets.Client.GetStream(), Secret, Timeout, CancellationToken.None);
        var server = (await accepting.WaitAsync(Timeout)).Secured!;

        Assert.Equal(SslProtocols.Tls13, ((SslStream)client.Stream).SslProtocol);
        Assert.True(client.Binding!.Bytes.SequenceEqual(server.Binding!.Bytes));
    }

    [Fact]
    public async Task Without_a_secret_the_stream_stays_plain_tcp()
    {
        using var sockets = await SocketPair.ConnectAsync();
        var client = await TransportSecurity.ConnectAsync(sockets.Client.GetStream(), null, Timeout, CancellationToken.None);
        await client.Stream.WriteAsync(new byte[] { 0, 0, 0, 9 });
        var server = (await TransportSecurity.AcceptAsync(sockets.Server.Client, sockets.Server.GetStream(), null, Timeout, CancellationToken.None)).Secured!;

        Assert.False(client.Encrypted);
        Assert.False(server.Encrypted);
        Assert.IsType<NetworkStream>(server.Stream);
    }

    [Fact]
    public async Task A_tls_client_meeting_an_open_side_is_told_in_a_plain_auth_error()
    {
        using var sockets = await SocketPair.ConnectAsync();
        var accepting = TransportSecurity.AcceptAsync(sockets.Server.Client, sockets.Server.GetStream(), null, Timeout, CancellationToken.None);

        var e = await Assert.ThrowsAsync<RemoteErrorException>(() => TransportSecurity.ConnectAsync(sockets.Client.GetStream(), Secret, Timeout, CancellationToken.None));
        var refused = await accepting.WaitAsync(Timeout);

        Assert.Equal(ErrorCodes.Auth, e.Code);
        Assert.Contains("without a secret", e.Text, StringComparison.Ordinal);
        Assert.Null(refused.Secured);
        Assert.Contains("started TLS", refused.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tls_client_that_presents_no_certificate_is_refused_since_nothing_could_bind_its_proof()
    {
        using var sockets = await SocketPair.ConnectAsync();
        var accepting = TransportSecurity.AcceptAsync(sockets.Server.Client, sockets.Server.GetStream(), Secret, Timeout, CancellationToken.None);
        await using var bare = new SslStream(sockets.Client.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "p2pshare",
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };

        // TLS 1.3 lets the client finish before the server has judged its (missing) certificate.
        try
        {
            await bare.AuthenticateAsClientAsync(options).WaitAsync(Timeout);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
        }
        var refused = await accepting.WaitAsync(Timeout);

        Assert.Null(refused.Secured);
        Assert.NotNull(refused.Refusal);
    }

    [Fact]
    public async Task A_relay_that_terminates_tls_on_both_sides_makes_both_ends_refuse_and_passes_nothing()
    {
        using var listener = SocketPair.Listen();
        var serverSide = AcceptAndHandshakeAsync(listener);
        await using var relay = await TlsRelay.StartAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);

        var e = await Assert.ThrowsAsync<RemoteErrorException>(() => GreetThroughAsync(relay));
        var accepted = await serverSide.WaitAsync(Timeout);

        Assert.Equal(ErrorCodes.Auth, e.Code);
        Assert.Null(accepted.Hello); // the real server refused the proof the relay passed on
        Assert.Equal(HandshakeRefusal.WrongProof, accepted.Reason);
        Assert.True(relay.Relayed > 0); // the relay did sit in the middle, and got nothing but refusals through
    }

    [Fact]
    public async Task Against_a_relay_the_accepting_side_proof_fails_on_the_connecting_side_too()
    {
        // The relay passes the client's proof through; a server that skipped checking it (a hostile one)
        // still cannot make its own proof pass on the client, which bound a different server certificate.
        using var listener = SocketPair.Listen();
        var serverSide = ProveBlindlyAsync(listener);
        await using var relay = await TlsRelay.StartAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port);

        var e = await Assert.ThrowsAsync<ProtocolException>(() => GreetThroughAsync(relay));
        Assert.Contains("could not prove", e.Message, StringComparison.Ordinal);
        await serverSide.WaitAsync(Timeout);
    }

    // A peer with the secret greeting through the relay, as TcpConnector does.
    private static async Task GreetThroughAsync(TlsRelay relay)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, relay.Port).WaitAsync(Timeout);
        var secured = await TransportSecurity.ConnectAsync(client.GetStream(), Secret, Timeout, CancellationToken.None);
        await using var channel = new MessageChannel(secured.Stream) { Binding = secured.Binding };
        var hello = new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 1, "test");
        await Handshake.GreetAsync(channel, hello, Secret, Timeout, CancellationToken.None).WaitAsync(Timeout);
    }

    private static async Task<HandshakeResult> AcceptAndHandshakeAsync(TcpListener listener)
    {
        using var tcp = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);
        var accepted = await TransportSecurity.AcceptAsync(tcp.Client, tcp.GetStream(), Secret, Timeout, CancellationToken.None);
        await using var channel = new MessageChannel(accepted.Secured!.Stream) { Binding = accepted.Secured.Binding };
        return await Handshake.AcceptAsync(channel, PeerRole.Peer, "127.0.0.1", Secret, null, Timeout, CancellationToken.None);
    }

    // A server that welcomes any proof with a genuine proof over what it saw: its TLS session (the relay's certificate as client's).
    private static async Task ProveBlindlyAsync(TcpListener listener)
    {
        using var tcp = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);
        var accepted = await TransportSecurity.AcceptAsync(tcp.Client, tcp.GetStream(), Secret, Timeout, CancellationToken.None);
        await using var channel = new MessageChannel(accepted.Secured!.Stream) { Binding = accepted.Secured.Binding };
        using var hello = await channel.ReceiveAsync(Timeout);
        var greeting = (Hello)hello!.Message;
        var serverNonce = SharedSecret.NewNonce();
        await channel.ReplyAsync(greeting, new Challenge(Convert.ToHexStringLower(serverNonce)));
        using var proof = await channel.ReceiveAsync(Timeout);
        var ours = Secret.Prove(AuthDirection.Server, greeting.Role, greeting.Version, Convert.FromHexString(greeting.Nonce!), serverNonce, channel.Binding!);
        await channel.ReplyAsync(proof!.Message, new Welcome(ProtocolLimits.CurrentVersion, "") { Proof = Convert.ToHexStringLower(ours) });
    }
}
