using System.Net;
using System.Net.Sockets;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Discovery;
using P2PShare.Tracker.Discovery;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Discovery;

/// <summary>The tracker's mDNS responder, asked by legacy unicast on loopback (port 0: it joins no group and announces nothing).</summary>
public sealed class MdnsResponderTests
{
    private static TrackerOptions WithMdns(SharedSecret? secret = null) => TestTracker.Options with
    {
        Discovery = new DiscoveryResponderOptions { Port = 0, Secret = secret, Mdns = new MdnsOptions { Port = 0 } },
    };

    private static async Task<DnsMessage?> AskAsync(int port, byte[] query)
    {
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await client.SendAsync(query, new IPEndPoint(IPAddress.Loopback, port));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            var reply = await client.ReceiveAsync(deadline.Token);
            return DnsCodec.Decode(reply.Buffer);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task A_legacy_unicast_query_is_answered_with_the_tracker_port_and_the_asking_interface_address()
    {
        await using var tracker = await TestTracker.StartAsync(WithMdns());

        var answer = await AskAsync(tracker.MdnsPort!.Value, DnsCodec.Encode(TrackerAdvertisement.Query(0x4242)));

        Assert.NotNull(answer);
        Assert.Equal(0x4242, answer.Id);
        var found = Assert.Single(TrackerAdvertisement.Read(answer, IPAddress.Loopback));
        Assert.Equal(tracker.LocalEndPoint.Port, found.Port);
        Assert.False(found.SecretRequired);
        Assert.Contains(IPAddress.Loopback, found.Addresses);
    }

    [Fact]
    public async Task With_a_secret_the_records_say_so_and_nothing_more()
    {
        await using var tracker = await TestTracker.StartAsync(WithMdns(new SharedSecret("open sesame")));

        var answer = await AskAsync(tracker.MdnsPort!.Value, DnsCodec.Encode(TrackerAdvertisement.Query(1)));

        var text = answer!.Additionals.Single(r => r.Type == DnsRecordType.Txt).Text;
        Assert.Equal(["txtvers=1", "version=1", "secret=required"], text);
    }

    [Fact]
    public async Task It_survives_garbage_and_questions_about_other_names_and_still_answers()
    {
        await using var tracker = await TestTracker.StartAsync(WithMdns());
        int port = tracker.MdnsPort!.Value;

        Assert.Null(await AskAsync(port, [0xc0, 0x0c, 0xff]));
        Assert.Null(await AskAsync(port, DnsCodec.Encode(DnsMessage.Query(2, new DnsQuestion("_http._tcp.local", DnsRecordType.ServicePointer)))));
        Assert.NotNull(await AskAsync(port, DnsCodec.Encode(TrackerAdvertisement.Query(3))));
    }

    [Fact]
    public async Task A_tracker_listening_on_loopback_does_not_advertise_itself_to_the_LAN()
    {
        // The real mDNS port: without the rule this would bind 5353 and announce on every interface.
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with
        {
            Discovery = new DiscoveryResponderOptions { Port = 0, Mdns = new MdnsOptions() },
        });

        Assert.Null(tracker.MdnsPort);
        Assert.Contains("127.0.0.1 only", tracker.MdnsProblem, StringComparison.Ordinal);
    }
}
