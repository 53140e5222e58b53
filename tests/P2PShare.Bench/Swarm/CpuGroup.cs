using System.Diagnostics;
using System.Globalization;

namespace P2PShare.Bench.Swarm;

/// <summary>
/// A control group holding one started process, so its CPU time is counted exactly: to the microsecond,
/// with the threads that have already exited, and still readable after the process is gone.
/// <c>/proc/PID/stat</c> counts 10 ms ticks and vanishes at exit, so sampling it every 20 ms missed the
/// last of a process's CPU: for a `get` of about 0.1 CPU-s, up to a sixth of it.
/// </summary>
internal sealed class CpuGroup : IDisposable
{
    private static int s_created;
    private static int s_fallbackTold;
    private readonly string _path;
    private readonly bool _version2;

    private CpuGroup(string path, bool version2)
    {
        _path = path;
        _version2 = version2;
    }

    /// <summary>The file a process writes its id into to join the group.</summary>
    public string ProcsFile => Path.Combine(_path, "cgroup.procs");

    /// <summary>
    /// A new, empty group, or null where none can be made (no cgroup file system mounted, or not root):
    /// the caller then samples <c>/proc</c> as before.
    /// </summary>
    public static CpuGroup? TryCreate()
    {
        string name = $"p2pshare-bench-{Environment.ProcessId}-{Interlocked.Increment(ref s_created)}";
        // cgroup v2 alone, v2 beside v1 (systemd's hybrid layout), else v1's cpuacct controller.
        (string Root, bool Version2)[] roots = [("/sys/fs/cgroup", true), ("/sys/fs/cgroup/unified", true), ("/sys/fs/cgroup/cpuacct", false)];
        string why = "no cgroup file system is mounted";
        foreach (var (root, version2) in roots)
        {
            if (!File.Exists(Path.Combine(root, version2 ? "cgroup.controllers" : "cpuacct.usage")))
                continue;
            try
            {
                RemoveLeftovers(root);
                var group = new CpuGroup(Directory.CreateDirectory(Path.Combine(root, name)).FullName, version2);
                if (group.Seconds() is not null)
                    return group;
                group.Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                why = e.Message; // not ours to make here (not root, say); try the next layout
            }
        }
        if (Interlocked.Exchange(ref s_fallbackTold, 1) == 0)
            Console.Error.WriteLine($"bench: CPU seconds are sampled from /proc/PID/stat (10 ms ticks, the last samples' worth missed): no control group could be made ({why})");
        return null;
    }

    // A benchmark killed with SIGKILL could neither stop what it started (a swarm's tracker and seeders run
    // on) nor remove its groups: the processes left in the groups of benchmarks no longer running are
    // stopped now, and the groups removed.
    private static void RemoveLeftovers(string root)
    {
        foreach (var dir in Directory.EnumerateDirectories(root, "p2pshare-bench-*"))
        {
            if (!Leftovers.OfGoneBenchmark(dir))
                continue;
            var left = new CpuGroup(dir, version2: false); // the layout matters only for reading a count
            left.StopAll();
            left.Dispose();
        }
    }

    // Kills every process in the group and waits for each to go, so the group can be removed.
    private void StopAll()
    {
        string[] pids;
        try
        {
            pids = File.ReadAllLines(ProcsFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var line in pids)
        {
            if (!int.TryParse(line, CultureInfo.InvariantCulture, out int pid))
                continue;
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already, or not ours to kill.
            }
        }
    }

    /// <summary>User + system CPU seconds of every process that has been in the group; null if it cannot be read.</summary>
    public double? Seconds()
    {
        try
        {
            if (!_version2)
                return long.Parse(File.ReadAllText(Path.Combine(_path, "cpuacct.usage")).Trim(), CultureInfo.InvariantCulture) / 1e9;
            foreach (var line in File.ReadLines(Path.Combine(_path, "cpu.stat")))
            {
                if (line.StartsWith("usage_usec ", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan("usage_usec ".Length), CultureInfo.InvariantCulture) / 1e6;
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Removes the group; it must be empty by then (its process exited), else it is left behind.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(_path); // rmdir: a cgroup's files go with it
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still holds a process that would not die; nothing more to do from here.
        }
    }
}
