using System.Globalization;

namespace P2PShare.Bench.Swarm;

/// <summary>A process's CPU time read now from <c>/proc/PID/stat</c> (user + system), for figures over one phase of a run.</summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>User + system CPU seconds of process <paramref name="pid"/> so far; 0 where /proc cannot say.</summary>
    public static double Seconds(int pid)
    {
        try
        {
            // Fields after the ')' of the command name: state is field 3, utime 14, stime 15.
            string text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
