namespace P2PShare.Protocol.Discovery;

/// <summary>The DNS record types mDNS discovery reads and writes (RFC 1035, RFC 2782, RFC 3596).</summary>
public enum DnsRecordType : ushort
{
    /// <summary>An IPv4 address.</summary>
    A = 1,

    /// <summary>PTR: a pointer from a service type to an instance (RFC 6763 §4).</summary>
    ServicePointer = 12,

    /// <summary>Key=value strings about an instance (RFC 6763 §6).</summary>
    Txt = 16,

    /// <summary>An IPv6 address.</summary>
    Aaaa = 28,

    /// <summary>Where an instance listens: port and host (RFC 6763 §5).</summary>
    Srv = 33,

    /// <summary>A question for every type (answered with all the records of the name).</summary>
    Any = 255,
}
