namespace P2PShare.Protocol.Discovery;

/// <summary>A DNS message as mDNS uses it (RFC 1035 §4.1, RFC 6762 §18): no authority records are written, and those read are skipped.</summary>
/// <param name="Id">The query id; 0 in mDNS except in answers to legacy unicast queries, which repeat the query's (RFC 6762 §6.7).</param>
/// <param name="IsResponse">The QR bit.</param>
/// <param name="Questions">The questions.</param>
/// <param name="Answers">The answer records.</param>
/// <param name="Additionals">The additional records (RFC 6763 §12: SRV, TXT and addresses that go with a PTR answer).</param>
public sealed record DnsMessage(ushort Id, bool IsResponse, IReadOnlyList<DnsQuestion> Questions, IReadOnlyList<DnsRecord> Answers, IReadOnlyList<DnsRecord> Additionals)
{
    /// <summary>A query with id 0 holding <paramref name="questions"/>.</summary>
    public static DnsMessage Query(ushort id, params DnsQuestion[] questions) => new(id, false, questions, [], []);
}
