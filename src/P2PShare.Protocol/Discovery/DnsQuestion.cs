namespace P2PShare.Protocol.Discovery;

/// <summary>One question of a DNS message (class IN).</summary>
/// <param name="Name">The name asked about, e.g. <c>_p2pshare._tcp.local</c>, without the final dot.</param>
/// <param name="Type">The record type asked for; types we do not know keep their number.</param>
/// <param name="UnicastResponse">The "QU" bit (RFC 6762 §5.4): the asker wants the answer sent to it directly.</param>
public sealed record DnsQuestion(string Name, DnsRecordType Type, bool UnicastResponse = false);
