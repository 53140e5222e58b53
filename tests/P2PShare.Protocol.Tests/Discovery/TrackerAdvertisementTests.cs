using System.Net;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Protocol.Tests.Discovery;

/// <summary>The tracker's DNS-SD records (RFC 6763 §4-§7) and how it answers queries (RFC 6762 §6, §6.7).</summary>
public sealed class TrackerAdvertisementTests
{
    private static readonly TrackerAdvertisement Tracker =
        TrackerAdvertisement.Create("3f2a9c", 12500, secretRequired: true, [IPAddress.Parse("198.51.100.7"), IPAddress.Parse("fe80::7")]);

    [Fact]
    public void A_PTR_query_gets_the_instance_with_its_SRV_TXT_and_addresses_as_additionals()
    {
        var answer = Tracker.Answer(DnsMessage.Query(0, new DnsQuestion(TrackerAdvertisement.ServiceType, DnsRecordType.ServicePointer)), legacy: false)!;

        Assert.True(answer.IsResponse);
        Assert.Equal(0, answer.Id);
        Assert.Empty(answer.Questions);
        var pointer = Assert.Single(answer.Answers);
        Assert.Equal("P2PShare tracker 3f2a9c._p2pshare._tcp.local", pointer.Target);
        Assert.Contains(answer.Additionals, r => r.Type == DnsRecordType.Srv && r.Port == 12500 && r.Target == "p2pshare-3f2a9c.local" && r.CacheFlush);
        Assert.Contains(answer.Additionals, r => r.Type == DnsRecordType.A && r.Address!.Equals(IPAddress.Parse("198.51.100.7")));
        Assert.Contains(answer.Additionals, r => r.Type == DnsRecordType.Aaaa && r.Address!.Equals(IPAddress.Parse("fe80::7")));
    }

    [Fact]
    public void The_records_reveal_only_the_port_the_version_and_that_a_secret_is_required()
    {
        var announcement = Tracker.Announcement();

        Assert.Equal(["txtvers=1", "version=1", "secret=required"], announcement.Answers.Single(r => r.Type == DnsRecordType.Txt).Text);
        Assert.All(announcement.Answers, r => Assert.DoesNotContain(Environment.MachineName, r.Name, StringComparison.OrdinalIgnoreCase));
        Assert.All(announcement.Answers, r => Assert.DoesNotContain(Environment.MachineName, r.Target ?? "", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_legacy_unicast_answer_repeats_the_id_and_question_and_caps_every_TTL_at_10_seconds()
    {
        var query = DnsMessage.Query(0xbeef, new DnsQuestion(TrackerAdvertisement.ServiceType, DnsRecordType.ServicePointer));

        var answer = Tracker.Answer(query, legacy: true)!;

        Assert.Equal(0xbeef, answer.Id);
        Assert.Equal(query.Questions, answer.Questions);
        Assert.All(answer.Answers.Concat(answer.Additionals), r => Assert.True(r.Ttl <= 10 && !r.CacheFlush, $"{r.Type} TTL {r.Ttl}"));
    }

    [Theory]
    [InlineData("P2PShare tracker 3f2a9c._p2pshare._tcp.local", DnsRecordType.Srv, DnsRecordType.Srv)]
    [InlineData("p2pshare tracker 3F2A9C._P2PSHARE._tcp.local", DnsRecordType.Txt, DnsRecordType.Txt)]
    [InlineData("p2pshare-3f2a9c.local", DnsRecordType.A, DnsRecordType.A)]
    [InlineData("p2pshare-3f2a9c.local", DnsRecordType.Aaaa, DnsRecordType.Aaaa)]
    [InlineData("_services._dns-sd._udp.local", DnsRecordType.ServicePointer, DnsRecordType.ServicePointer)]
    public void Each_name_it_holds_is_answered_case_insensitively(string name, DnsRecordType asked, DnsRecordType expected)
    {
        var answer = Tracker.Answer(DnsMessage.Query(0, new DnsQuestion(name, asked)), legacy: false)!;

        Assert.All(answer.Answers, r => Assert.Equal(expected, r.Type));
        Assert.NotEmpty(answer.Answers);
    }

    [Fact]
    public void Names_it_does_not_hold_and_responses_get_no_answer()
    {
        Assert.Null(Tracker.Answer(DnsMessage.Query(0, new DnsQuestion("_http._tcp.local", DnsRecordType.ServicePointer)), legacy: false));
        Assert.Null(Tracker.Answer(Tracker.Announcement(), legacy: false));
    }

    [Fact]
    public void A_peer_reads_the_tracker_back_from_an_answer()
    {
        var answer = Tracker.Answer(TrackerAdvertisement.Query(1), legacy: true)!;

        var read = Assert.Single(TrackerAdvertisement.Read(DnsCodec.Decode(DnsCodec.Encode(answer)), IPAddress.Parse("198.51.100.99")));

        Assert.Equal((12500, true, 1), (read.Port, read.SecretRequired, read.Version));
        Assert.Equal([IPAddress.Parse("198.51.100.7"), IPAddress.Parse("fe80::7")], read.Addresses);
    }

    [Fact]
    public void A_goodbye_with_TTL_0_names_no_tracker()
    {
        var goodbye = Tracker.Announcement() is var a ? a with { Answers = [.. a.Answers.Select(r => r with { Ttl = 0 })] } : null;

        Assert.Empty(TrackerAdvertisement.Read(goodbye!, IPAddress.Parse("198.51.100.7")));
    }
}
