using System.Net;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Protocol.Tests.Discovery;

/// <summary>The DNS wire codec for mDNS (RFC 1035 §4.1, RFC 6762 §18): golden bytes, compression, and hostile input.</summary>
public sealed class DnsCodecTests
{
    // Id 0x1234, one question: _p2pshare._tcp.local PTR, class IN with the QU bit.
    private const string GoldenQuery = "123400000001000000000000" + "095f703270736861726504" + "5f746370056c6f63616c00" + "000c8001";

    [Fact]
    public void A_tracker_query_encodes_to_its_golden_bytes() =>
        Assert.Equal(GoldenQuery, Convert.ToHexStringLower(DnsCodec.Encode(TrackerAdvertisement.Query(0x1234))));

    [Fact]
    public void A_tracker_query_decodes_from_its_golden_bytes()
    {
        var query = DnsCodec.Decode(Convert.FromHexString(GoldenQuery));

        Assert.Equal(0x1234, query.Id);
        Assert.False(query.IsResponse);
        Assert.Equal(new DnsQuestion("_p2pshare._tcp.local", DnsRecordType.ServicePointer, UnicastResponse: true), Assert.Single(query.Questions));
    }

    [Fact]
    public void Every_record_type_round_trips()
    {
        var message = new DnsMessage(7, true, [new DnsQuestion("a.local", DnsRecordType.Any)],
            [DnsRecord.PointerTo("_s._tcp.local", "x._s._tcp.local", 4500), DnsRecord.Srv("x._s._tcp.local", 12500, "h.local", 120, cacheFlush: true)],
            [DnsRecord.Txt("x._s._tcp.local", ["k=v", "secret=none"], 4500, true), DnsRecord.Host("h.local", IPAddress.Parse("198.51.100.7"), 120, true),
             DnsRecord.Host("h.local", IPAddress.Parse("fe80::1"), 120, false)]);

        var back = DnsCodec.Decode(DnsCodec.Encode(message));

        Assert.Equal(message.Id, back.Id);
        Assert.Equal(message.Questions, back.Questions);
        Assert.Equal("x._s._tcp.local", back.Answers[0].Target);
        Assert.Equal((12500, "h.local", true), (back.Answers[1].Port, back.Answers[1].Target, back.Answers[1].CacheFlush));
        Assert.Equal(["k=v", "secret=none"], back.Additionals[0].Text);
        Assert.Equal(IPAddress.Parse("198.51.100.7"), back.Additionals[1].Address);
        Assert.Equal(IPAddress.Parse("fe80::1"), back.Additionals[2].Address);
    }

    [Fact]
    public void A_compressed_name_is_followed_back_to_where_it_points()
    {
        // Header (one answer), then the owner name at offset 12, and a PTR whose target is "x" + a pointer to offset 12.
        byte[] response = Convert.FromHexString("000084000000000100000000" + "095f703270736861726504" + "5f746370056c6f63616c00"
            + "000c0001" + "00000078" + "0004" + "0178c00c");

        var record = Assert.Single(DnsCodec.Decode(response).Answers);

        Assert.Equal("_p2pshare._tcp.local", record.Name);
        Assert.Equal("x._p2pshare._tcp.local", record.Target);
    }

    [Theory]
    [InlineData("000084000000000100000000" + "c00c" + "000c000100000078000100", "pointer to itself")]
    [InlineData("000084000000000100000000" + "c020" + "000c000100000078000100", "pointer forward")]
    [InlineData("000084000000000100000000" + "05616263", "label past the end")]
    [InlineData("0000840000000001000000", "header cut short")]
    [InlineData("000084000000000100000000" + "00" + "000100010000007800ff0a000001", "record data past the end")]
    [InlineData("000084000000000100000000" + "00" + "0001000100000078000501020304ff", "A record of 5 bytes")]
    public void Malformed_messages_are_refused_without_looping(string hex, string why)
    {
        var e = Assert.Throws<ProtocolException>(() => DnsCodec.Decode(Convert.FromHexString(hex)));
        Assert.False(string.IsNullOrEmpty(e.Message), why);
    }

    [Fact]
    public void A_message_over_the_mDNS_limit_is_refused() =>
        Assert.Throws<ProtocolException>(() => DnsCodec.Decode(new byte[DnsCodec.MaxMessageLength + 1]));

    [Fact]
    public void Random_bytes_never_throw_anything_but_a_protocol_exception()
    {
        var random = new Random(17);
        byte[] valid = Convert.FromHexString(GoldenQuery);
        for (int i = 0; i < 5000; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            if (i % 3 == 0)
                mutated = mutated[..random.Next(mutated.Length)];
            try
            {
                DnsCodec.Decode(mutated);
            }
            catch (ProtocolException)
            {
            }
        }
    }
}
