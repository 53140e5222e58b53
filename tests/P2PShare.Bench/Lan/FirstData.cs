using System.Diagnostics;
using System.Globalization;
using P2PShare.Bench.Swarm;

namespace P2PShare.Bench.Lan;

/// <summary>
/// When a downloader received its first piece data: its namespace's <c>eth0</c> receive counter, read
/// from <c>/proc/PID/net/dev</c> every 10 ms once the process has entered the namespace (its
/// <c>/proc/PID/ns/net</c> differs from ours), passes <c>threshold</c> bytes. Returns the seconds since
/// the common start and the CPU the process had used by then (start-up, JIT, joining, the manifest).
/// </summary>
internal static class FirstData
{
    public static async Task<(double Seconds, double CpuSeconds)?> WatchAsync(BenchProcess process, Stopwatch clock, long threshold, CancellationToken cancellationToken)
    {
        string? ours = new FileInfo("/proc/self/ns/net").LinkTarget;
        long? baseline = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (new FileInfo($"/proc/{process.Id}/ns/net").LinkTarget is { } theirs && theirs != ours
                    && Received(File.ReadAllLines($"/proc/{process.Id}/net/dev")) is long received)
                {
                    baseline ??= received;
                    if (received - baseline >= threshold)
                        return (clock.Elapsed.TotalSeconds, process.CpuSeconds);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                return null; // the process is gone
            }
            await Task.Delay(10, cancellationToken);
        }
        return null;
    }

    // The receive bytes of eth0 in /proc/net/dev format ("  eth0: RXBYTES RXPACKETS …").
    private static long? Received(string[] lines)
    {
        foreach (var line in lines)
        {
            var trimmed = line.AsSpan().TrimStart();
            if (trimmed.StartsWith($"{LanNetwork.HostInterface}:", StringComparison.Ordinal))
            {
                var fields = trimmed[(LanNetwork.HostInterface.Length + 1)..].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(fields[0], CultureInfo.InvariantCulture);
            }
        }
        return null;
    }
}
