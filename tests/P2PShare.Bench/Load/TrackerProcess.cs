using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace P2PShare.Bench.Load;

/// <summary>The real tracker program as a child process on 127.0.0.1, on a port the OS picks; killed on dispose.</summary>
internal sealed partial class TrackerProcess : IDisposable
{
    private readonly Process _process;

    private TrackerProcess(Process process, IPEndPoint endPoint)
    {
        _process = process;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    public int Id => _process.Id;

    /// <summary>Starts the tracker and waits (at most <paramref name="timeout"/>) for its "listening on" line.</summary>
    public static async Task<TrackerProcess> StartAsync(string folder, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { BenchPrograms.PathOf(folder, "P2PShare.Tracker"), "--port", "0", "--host", "127.0.0.1", "--log-level", "Warning" })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the tracker");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                Console.Error.WriteLine($"tracker: {e.Data}");
        };
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is string line)
            {
                var match = Listening().Match(line);
                if (match.Success)
                {
                    _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep the pipe drained
                    return new TrackerProcess(process, new IPEndPoint(IPAddress.Loopback, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        process.Kill(entireProcessTree: true);
        process.Dispose();
        throw new InvalidOperationException($"the tracker did not say where it listens within {timeout.TotalSeconds} s");
    }

    /// <summary>A field of <c>/proc/PID/status</c> in KiB (VmRSS, VmHWM) or as a count (Threads); null where there is no /proc.</summary>
    public long? Status(string field)
    {
        string path = $"/proc/{_process.Id}/status";
        if (!File.Exists(path))
            return null;
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return null;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
