using System.Globalization;

namespace P2PShare.Bench.Swarm;

/// <summary>
/// What a benchmark killed with SIGKILL left behind. Its folders and control groups are named
/// <c>p2pshare-KIND-PID-…</c> after the benchmark's own process, so another run can tell that their
/// owner is gone and remove them.
/// </summary>
internal static class Leftovers
{
    /// <summary>True if <paramref name="path"/> is named after a benchmark process that no longer runs.</summary>
    public static bool OfGoneBenchmark(string path)
    {
        var parts = Path.GetFileName(path).Split('-', 4);
        return parts.Length == 4 && parts[0] == "p2pshare"
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}");
    }
}
