using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;
using P2PShare.Protocol.Security;
using P2PShare.Testing;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Network;

/// <summary>A tracker with a shared secret admits only peers that prove it, and says why to everyone else.</summary>
public sealed class AuthTests
{
    private static readonly SharedSecret Secret = new("tracker-tests shared secret");
    private static TrackerOptions Closed => TestTracker.Options with { Secret = Secret };

    [Fact]
    public async Task A_peer_with_the_secret_joins_and_is_served()
    {
        await using var tracker = await TestTracker.StartAsync(Closed);
        await using var holder = await TestPeer.JoinAsync(tracker, 7001, secret: Secret);
        await holder.AnnounceAsync(Files.Complete("a.bin", "a"));
        await using var asker = await TestPeer.JoinAsync(tracker, 7002, secret: Secret);

        Assert.NotNull(asker.Welcome.Proof);
        Assert.IsType<Holders>(await asker.WhoHasAsync(Files.Id("a")));
    }

    [Fact]
    public async Task A_peer_without_the_secret_is_refused_with_a_clear_message_and_never_listed()
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(Closed, logger);
        await using var holder = await TestPeer.JoinAsync(tracker, 7001, secret: Secret);
        await holder.AnnounceAsync(Files.Complete("a.bin", "a"));

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => TestPeer.JoinAsync(tracker, 7002));

        Assert.Equal(ErrorCodes.Auth, refused.Code);
        Assert.Contains("secret is required", refused.Text, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => Task.FromResult(logger.Has(LogLevel.Warning, "secret is required")), "the tracker logs the refusal");
        Assert.Equal(1, tracker.Registry.ClientCount);
    }

    [Fact]
    public async Task A_peer_with_a_wrong_secret_is_refused_on_both_sides()
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(Closed, logger);

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => TestPeer.JoinAsync(tracker, 7001, secret: new SharedSecret("a guessed secret")));

        Assert.Equal(ErrorCodes.Auth, refused.Code);
        await Eventually.TrueAsync(() => Task.FromResult(logger.Has(LogLevel.Warning, "different secret")), "the tracker logs the refusal");
        Assert.Equal(0, tracker.Registry.ClientCount);
    }

    [Fact]
    public async Task An_unauthenticated_client_gets_no_answer_to_a_request_sent_in_place_of_the_proof()
    {
        await using var tracker = await TestTracker.StartAsync(Closed);
        await using var holder = await TestPeer.JoinAsync(tracker, 7001, secret: Secret);
        await holder.AnnounceAsync(Files.Complete("a.bin", "a"));
        var (tcp, channel) = await TestPeer.OpenChannelAsync(tracker, Secret);
        using var owned = tcp;
        await using var owns = channel;

        await channel.SendAsync(new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 7002, "") { RequestId = 1, AuthScheme = SharedSecret.Scheme, Nonce = new string('0', 64) });
        using (var challenge = await channel.ReceiveAsync(TestTracker.Deadline))
            Assert.IsType<Challenge>(challenge!.Message);
        await channel.SendAsync(new ListFiles { RequestId = 2 });

        using (var answer = await channel.ReceiveAsync(TestTracker.Deadline))
            Assert.Equal(ErrorCodes.Auth, Assert.IsType<ErrorReply>(answer!.Message).Code);
        Assert.Null(await channel.ReceiveAsync(TestTracker.Deadline));
    }

    [Fact]
    public async Task A_peer_speaking_tls_without_the_secret_is_refused_and_never_listed()
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(Closed, logger);

        // TLS alone admits nobody: the proof inside it is what counts.
        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => TestPeer.JoinAsync(tracker, 7001, secret: new SharedSecret("tls but the wrong secret")));

        Assert.Equal(ErrorCodes.Auth, refused.Code);
        Assert.Equal(0, tracker.Registry.ClientCount);
    }

    [Fact]
    public async Task A_relay_in_the_middle_gets_no_peer_listed_and_both_ends_refuse()
    {
        var logger = new ListLogger();
        await using var tracker = await TestTracker.StartAsync(Closed, logger);
        await using var relay = await TlsRelay.StartAsync("127.0.0.1", tracker.LocalEndPoint.Port);
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, relay.Port).WaitAsync(TestTracker.Deadline);
        var secured = await TransportSecurity.ConnectAsync(tcp.GetStream(), Secret, TestTracker.Deadline, CancellationToken.None);
        await using var channel = new MessageChannel(secured.Stream) { Binding = secured.Binding };

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() =>
            Handshake.GreetAsync(channel, new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 7001, ""), Secret, TestTracker.Deadline, CancellationToken.None));

        Assert.Equal(ErrorCodes.Auth, refused.Code);
        await Eventually.TrueAsync(() => Task.FromResult(logger.Has(LogLevel.Warning, "relay in the middle")), "the tracker logs the refusal");
        Assert.Equal(0, tracker.Registry.ClientCount);
    }

    [Fact]
    public async Task An_open_tracker_refuses_a_peer_that_offers_a_secret()
    {
        await using var tracker = await TestTracker.StartAsync();

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => TestPeer.JoinAsync(tracker, 7001, secret: Secret));

        Assert.Equal(ErrorCodes.Auth, refused.Code);
        Assert.Contains("without a secret", refused.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_handshake_timeout_covers_a_client_that_stops_after_its_hello()
    {
        // Long enough that the challenge surely comes first on a loaded machine (0.3 s was not), well inside the 10 s deadline.
        await using var tracker = await TestTracker.StartAsync(Closed with { HandshakeTimeout = TimeSpan.FromSeconds(3) });
        var (tcp, channel) = await TestPeer.OpenChannelAsync(tracker, Secret);
        using var owned = tcp;
        await using var owns = channel;

        await channel.SendAsync(new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, 7002, "") { RequestId = 1, AuthScheme = SharedSecret.Scheme, Nonce = new string('0', 64) });
        using (var challenge = await channel.ReceiveAsync(TestTracker.Deadline))
            Assert.IsType<Challenge>(challenge!.Message);

        Assert.Null(await channel.ReceiveAsync(TestTracker.Deadline));
        await Eventually.TrueAsync(() => Task.FromResult(tracker.ConnectionCount == 0), "the silent client's slot is freed");
    }

    [Fact]
    public async Task Connections_over_the_per_address_limit_are_answered_busy_while_other_addresses_get_in()
    {
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { MaxClientsPerAddress = 2 });
        await using var a = await TestPeer.JoinAsync(tracker, 7001);
        await using var b = await TestPeer.JoinAsync(tracker, 7002);

        var refused = await Assert.ThrowsAsync<RemoteErrorException>(() => TestPeer.JoinAsync(tracker, 7003));
        await using var elsewhere = await TestPeer.JoinAsync(tracker, 7004, from: IPAddress.Parse("127.0.0.2"));

        Assert.Equal(ErrorCodes.Busy, refused.Code);
        Assert.Contains("from 127.0.0.1", refused.Text, StringComparison.Ordinal);
        Assert.Equal("127.0.0.2", elsewhere.Welcome.ObservedAddress);
        await b.DropAsync();
        await Eventually.TrueAsync(() => Task.FromResult(tracker.ConnectionCount == 2), "the dropped client's slot is freed");
        await using var again = await TestPeer.JoinAsync(tracker, 7005);
    }
}
