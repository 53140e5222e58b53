using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace P2PShare.Protocol.Discovery;

/// <summary>
/// A tracker as DNS-SD describes it (RFC 6763 §4-§7): instance <c>NAME._p2pshare._tcp.local</c>
/// with an SRV record (the TCP port and a host name), a TXT record (the discovery version and
/// whether a secret is required) and A/AAAA records for the host name. Nothing else is revealed:
/// the names are a random tag, not the machine's name. Builds the answers to a query and reads
/// a response back; no sockets here.
/// </summary>
/// <param name="Instance">The instance's full name, e.g. <c>P2PShare tracker 3f2a9c._p2pshare._tcp.local</c>.</param>
/// <param name="HostName">The SRV target, e.g. <c>p2pshare-3f2a9c.local</c>.</param>
/// <param name="Port">The tracker's TCP port.</param>
/// <param name="SecretRequired">True when the network has a secret.</param>
/// <param name="Version">The discovery version (<see cref="DiscoveryCodec.Version"/>).</param>
/// <param name="Addresses">The host's addresses on the interface the query came in on.</param>
public sealed record TrackerAdvertisement(string Instance, string HostName, int Port, bool SecretRequired, int Version, IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>The DNS-SD service type trackers advertise.</summary>
    public const string ServiceType = "_p2pshare._tcp.local";

    /// <summary>The UDP port of multicast DNS.</summary>
    public const int MdnsPort = 5353;

    /// <summary>RFC 6763 §9: the name that lists every service type on the link.</summary>
    public const string ServiceTypeEnumeration = "_services._dns-sd._udp.local";

    /// <summary>The IPv4 mDNS group.</summary>
    public static readonly IPAddress MulticastIPv4 = IPAddress.Parse("224.0.0.251");

    /// <summary>The IPv6 link-local mDNS group.</summary>
    public static readonly IPAddress MulticastIPv6 = IPAddress.Parse("ff02::fb");

    // RFC 6762 §10: 120 s for records with a host name or address, 75 minutes for the rest.
    private const uint HostTtl = 120;
    private const uint ServiceTtl = 4500;

    // RFC 6762 §6.7: answers to a legacy unicast query carry TTLs of at most 10 s.
    private const uint LegacyTtl = 10;

    /// <summary>An advertisement named after <paramref name="tag"/> (a few random hex digits).</summary>
    public static TrackerAdvertisement Create(string tag, int port, bool secretRequired, IReadOnlyList<IPAddress> addresses) =>
        new($"P2PShare tracker {tag}.{ServiceType}", $"p2pshare-{tag}.local", port, secretRequired, DiscoveryCodec.Version, addresses);

    /// <summary>The TXT strings (RFC 6763 §6): <c>txtvers=1</c>, <c>version=N</c>, <c>secret=required|none</c>.</summary>
    public IReadOnlyList<string> Text =>
        ["txtvers=1", string.Create(CultureInfo.InvariantCulture, $"version={Version}"), SecretRequired ? "secret=required" : "secret=none"];

    /// <summary>A one-shot query for trackers (RFC 6762 §5.1), asking for a unicast answer (QU, §5.4).</summary>
    public static DnsMessage Query(ushort id) => DnsMessage.Query(id, new DnsQuestion(ServiceType, DnsRecordType.ServicePointer, UnicastResponse: true));

    /// <summary>
    /// The response to <paramref name="query"/>, or null when it asks nothing we hold.
    /// <paramref name="legacy"/> (the query came from a port other than 5353, RFC 6762 §6.7) repeats
    /// its id and questions, caps TTLs at 10 s and clears the cache-flush bits.
    /// </summary>
    public DnsMessage? Answer(DnsMessage query, bool legacy)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.IsResponse)
            return null;
        var answers = new List<DnsRecord>();
        var additionals = new List<DnsRecord>();
        foreach (var question in query.Questions)
            AnswerOne(question, answers, additionals);
        if (answers.Count == 0)
            return null;
        additionals.RemoveAll(answers.Contains);
        var distinctAdditionals = additionals.Distinct().ToList();
        if (!legacy)
            return new DnsMessage(0, true, [], answers.Distinct().ToList(), distinctAdditionals);
        return new DnsMessage(query.Id, true, query.Questions, answers.Distinct().Select(Legacy).ToList(), distinctAdditionals.Select(Legacy).ToList());
    }

    /// <summary>The unsolicited announcement (RFC 6762 §8.3): every record, sent to the group.</summary>
    public DnsMessage Announcement() =>
        new(0, true, [], [Pointer(), Service(), TextRecord(), .. HostRecords(null)], []);

    /// <summary>
    /// The trackers described in <paramref name="response"/> (answers and additionals together).
    /// A tracker without an address record gets <paramref name="sender"/>, the address the response came from.
    /// </summary>
    public static IReadOnlyList<TrackerAdvertisement> Read(DnsMessage response, IPAddress sender)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(sender);
        if (!response.IsResponse)
            return [];
        var records = response.Answers.Concat(response.Additionals).ToList();
        var found = new List<TrackerAdvertisement>();
        var instances = records.Where(r => r.Type == DnsRecordType.ServicePointer && Same(r.Name, ServiceType)).Select(r => r.Target!)
            .Concat(records.Where(r => r.Type == DnsRecordType.Srv && r.Name.EndsWith("." + ServiceType, StringComparison.OrdinalIgnoreCase)).Select(r => r.Name))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (string instance in instances)
        {
            var srv = records.FirstOrDefault(r => r.Type == DnsRecordType.Srv && Same(r.Name, instance));
            if (srv is null || srv.Port is < 1 or > 65535 || srv.Ttl == 0)
                continue; // no port, or a goodbye (TTL 0, RFC 6762 §10.1)
            var text = records.FirstOrDefault(r => r.Type == DnsRecordType.Txt && Same(r.Name, instance))?.Text ?? [];
            var addresses = records.Where(r => r.Type is DnsRecordType.A or DnsRecordType.Aaaa && Same(r.Name, srv.Target!) && r.Address is not null)
                .Select(r => r.Address!).Distinct().ToList();
            if (addresses.Count == 0)
                addresses.Add(sender);
            int version = TextValue(text, "version") is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) ? parsed : 0;
            found.Add(new TrackerAdvertisement(instance, srv.Target!, srv.Port, TextValue(text, "secret") == "required", version, addresses));
        }
        return found;
    }

    private void AnswerOne(DnsQuestion question, List<DnsRecord> answers, List<DnsRecord> additionals)
    {
        bool any = question.Type == DnsRecordType.Any;
        if (Same(question.Name, ServiceTypeEnumeration) && (any || question.Type == DnsRecordType.ServicePointer))
        {
            answers.Add(DnsRecord.PointerTo(ServiceTypeEnumeration, ServiceType, ServiceTtl));
        }
        else if (Same(question.Name, ServiceType) && (any || question.Type == DnsRecordType.ServicePointer))
        {
            answers.Add(Pointer());
            additionals.AddRange([Service(), TextRecord(), .. HostRecords(null)]); // RFC 6763 §12.1
        }
        else if (Same(question.Name, Instance))
        {
            if (any || question.Type == DnsRecordType.Srv)
                answers.Add(Service());
            if (any || question.Type == DnsRecordType.Txt)
                answers.Add(TextRecord());
            additionals.AddRange(HostRecords(null)); // RFC 6763 §12.2
        }
        else if (Same(question.Name, HostName))
        {
            var family = question.Type switch
            {
                DnsRecordType.A => AddressFamily.InterNetwork,
                DnsRecordType.Aaaa => AddressFamily.InterNetworkV6,
                _ => (AddressFamily?)null,
            };
            if (any || family is not null)
            {
                answers.AddRange(HostRecords(any ? null : family));
                additionals.AddRange(HostRecords(null)); // RFC 6762 §6.2: the other family's addresses too
            }
        }
    }

    private DnsRecord Pointer() => DnsRecord.PointerTo(ServiceType, Instance, ServiceTtl);

    private DnsRecord Service() => DnsRecord.Srv(Instance, Port, HostName, HostTtl, cacheFlush: true);

    private DnsRecord TextRecord() => DnsRecord.Txt(Instance, Text, ServiceTtl, cacheFlush: true);

    private IEnumerable<DnsRecord> HostRecords(AddressFamily? family) =>
        Addresses.Where(a => family is null || a.AddressFamily == family).Select(a => DnsRecord.Host(HostName, a, HostTtl, cacheFlush: true));

    private static DnsRecord Legacy(DnsRecord record) => record with { Ttl = Math.Min(record.Ttl, LegacyTtl), CacheFlush = false };

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase); // RFC 6762 §16

    private static string? TextValue(IReadOnlyList<string> text, string key) =>
        text.Select(t => t.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && string.Equals(p[0], key, StringComparison.OrdinalIgnoreCase))?[1];
}
