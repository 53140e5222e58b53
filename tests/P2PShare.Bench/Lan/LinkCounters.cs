using System.Text.Json;

namespace P2PShare.Bench.Lan;

/// <summary>
/// A host interface's byte and packet counters (the kernel's stats64, as <c>ip -s -j link</c> shows
/// them), both directions. Every frame counted carries one Ethernet, IPv4 and TCP header (with the
/// timestamps option), GSO super-frames included, so bytes minus 66 per packet is the TCP payload:
/// exact for the benchmark's traffic, within a few hundred bytes for the odd ARP or SACK.
/// </summary>
internal readonly record struct LinkCounters(long RxBytes, long RxPackets, long TxBytes, long TxPackets)
{
    /// <summary>Ethernet (14) + IPv4 (20) + TCP with timestamps (32) bytes per frame.</summary>
    public const int HeaderBytesPerFrame = 66;

    /// <summary>TCP payload bytes received.</summary>
    public long RxPayload => Math.Max(0, RxBytes - (RxPackets * HeaderBytesPerFrame));

    /// <summary>TCP payload bytes sent.</summary>
    public long TxPayload => Math.Max(0, TxBytes - (TxPackets * HeaderBytesPerFrame));

    public static LinkCounters operator -(LinkCounters after, LinkCounters before) =>
        new(after.RxBytes - before.RxBytes, after.RxPackets - before.RxPackets, after.TxBytes - before.TxBytes, after.TxPackets - before.TxPackets);

    /// <summary>Reads the counters from <c>ip -s -j link show</c> output for one interface.</summary>
    public static LinkCounters Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Of(document.RootElement[0]);
    }

    /// <summary>Reads the counters of every interface in <c>ip -s -j link show</c> output, by name.</summary>
    public static Dictionary<string, LinkCounters> ParseAll(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().ToDictionary(link => link.GetProperty("ifname").GetString()!, Of);
    }

    private static LinkCounters Of(JsonElement link)
    {
        var stats = link.GetProperty("stats64");
        var rx = stats.GetProperty("rx");
        var tx = stats.GetProperty("tx");
        return new(rx.GetProperty("bytes").GetInt64(), rx.GetProperty("packets").GetInt64(), tx.GetProperty("bytes").GetInt64(), tx.GetProperty("packets").GetInt64());
    }
}
