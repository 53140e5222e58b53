using System.Net;

namespace P2PShare.Protocol.Discovery;

/// <summary>
/// One resource record (class IN). Only the fields of its <see cref="Type"/> are set: a name for
/// PTR, port and name for SRV, strings for TXT, an address for A and AAAA. Records of other types
/// are read (so a message with them still parses) but carry no data.
/// </summary>
/// <param name="Name">The record's owner name, without the final dot.</param>
/// <param name="Type">The record's type.</param>
/// <param name="Ttl">Seconds the record may be cached.</param>
/// <param name="CacheFlush">The mDNS cache-flush bit (RFC 6762 §10.2), set on unique records in multicast answers.</param>
public sealed record DnsRecord(string Name, DnsRecordType Type, uint Ttl, bool CacheFlush = false)
{
    /// <summary>PTR: the instance pointed to; SRV: the host name.</summary>
    public string? Target { get; init; }

    /// <summary>SRV: the port.</summary>
    public int Port { get; init; }

    /// <summary>TXT: the strings, in order.</summary>
    public IReadOnlyList<string> Text { get; init; } = [];

    /// <summary>A or AAAA: the address.</summary>
    public IPAddress? Address { get; init; }

    /// <summary>A PTR record.</summary>
    public static DnsRecord PointerTo(string name, string target, uint ttl) => new(name, DnsRecordType.ServicePointer, ttl) { Target = target };

    /// <summary>An SRV record with priority and weight 0.</summary>
    public static DnsRecord Srv(string name, int port, string host, uint ttl, bool cacheFlush) =>
        new(name, DnsRecordType.Srv, ttl, cacheFlush) { Port = port, Target = host };

    /// <summary>A TXT record.</summary>
    public static DnsRecord Txt(string name, IReadOnlyList<string> text, uint ttl, bool cacheFlush) =>
        new(name, DnsRecordType.Txt, ttl, cacheFlush) { Text = text };

    /// <summary>An A (IPv4) or AAAA (IPv6) record, by the address's family.</summary>
    public static DnsRecord Host(string name, IPAddress address, uint ttl, bool cacheFlush)
    {
        ArgumentNullException.ThrowIfNull(address);
        var type = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? DnsRecordType.Aaaa : DnsRecordType.A;
        return new DnsRecord(name, type, ttl, cacheFlush) { Address = address };
    }
}
