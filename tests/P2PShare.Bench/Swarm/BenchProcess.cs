using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace P2PShare.Bench.Swarm;

/// <summary>
/// One of our built programs started as a process (<c>dotnet X.dll …</c>, never <c>dotnet run</c>, so
/// no build time is measured). Collects stdout lines, and while it runs samples <c>/proc/PID</c> for
/// its peak resident memory (VmHWM) and CPU time, so both are known after it exits. Where a control
/// group can be made (<see cref="CpuGroup"/>), the process starts inside its own and the CPU time is
/// the group's exact count instead of the last sample.
/// </summary>
internal sealed class BenchProcess : IDisposable
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private static readonly ConcurrentDictionary<BenchProcess, byte> Live = new();
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<(TimeSpan At, string Line)> _timedLines = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _lineArrived = new(0);
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly Task _sampler;
    private readonly CancellationTokenSource _stopSampling = new();
    private readonly CpuGroup? _group;
    private long _peakRssKib;
    private long _cpuTicks;
    private double _groupCpuAtEnd = double.NaN; // the group's last count, once the group is removed

    static BenchProcess()
    {
        // Ctrl+C or a kill of the benchmark must not leave seeders running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var p in Live.Keys)
                p.Dispose();
        };
    }

    private BenchProcess(Process process, CpuGroup? group)
    {
        _process = process;
        _group = group;
        Live[this] = 0;
        _sampler = Task.Run(() => SampleAsync(_stopSampling.Token));
    }

    public string Name { get; private init; } = "";

    /// <summary>The process id (with <c>ip netns exec</c>, which execs in place, the program's own).</summary>
    public int Id => _process.Id;

    /// <summary>Time from start to exit (or to now while running).</summary>
    public TimeSpan Wall { get; private set; }

    /// <summary>The highest resident set seen (VmHWM), in MiB.</summary>
    public double PeakRssMib => Interlocked.Read(ref _peakRssKib) / 1024.0;

    /// <summary>User + system CPU seconds: the control group's count, else as last sampled.</summary>
    public double CpuSeconds =>
        Volatile.Read(ref _groupCpuAtEnd) is var atEnd && !double.IsNaN(atEnd) ? atEnd : _group?.Seconds() ?? Interlocked.Read(ref _cpuTicks) / TicksPerSecond;

    public string Output => string.Join('\n', _lines);

    public string Errors
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Starts <c>dotnet FOLDER/PROGRAM.dll ARGS</c> (or a Native AOT publish's executable itself).</summary>
    public static BenchProcess Start(string name, string folder, string program, params string[] args) =>
        StartIn(null, name, folder, program, args);

    /// <summary>
    /// Starts <c>dotnet FOLDER/PROGRAM.dll ARGS</c>, inside network namespace <paramref name="netns"/>
    /// when it is not null (<c>ip netns exec</c> execs in place, so the process id is dotnet's).
    /// </summary>
    public static BenchProcess StartIn(string? netns, string name, string folder, string program, params string[] args)
    {
        string[] command = BenchPrograms.Command(BenchPrograms.PathOf(folder, program));
        string[] argv = [.. netns is null ? [] : (string[])["ip", "netns", "exec", netns], .. command, .. args];
        var group = CpuGroup.TryCreate();
        // A shell joins the group, then execs in place (as ip netns exec does), so the process id stays the program's.
        if (group is not null)
            argv = ["/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", group.ProcsFile, .. argv];
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv[1..])
            info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch
        {
            group?.Dispose();
            process.Dispose();
            throw;
        }
        var running = new BenchProcess(process, group) { Name = name };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            running._timedLines.Enqueue((running._wall.Elapsed, e.Data));
            running._lines.Enqueue(e.Data);
            running._lineArrived.Release();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (running._stderr)
                running._stderr.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>When (since start) the first stdout line containing <paramref name="text"/> arrived; null if none did.</summary>
    public TimeSpan? LineTime(string text) =>
        _timedLines.FirstOrDefault(l => l.Line.Contains(text, StringComparison.Ordinal)) is { Line: not null } hit ? hit.At : null;

    /// <summary>Waits for a stdout line containing <paramref name="text"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var match = _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (match is not null)
                return match;
            if (_process.HasExited && _lineArrived.CurrentCount == 0)
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before printing '{text}'.\nstdout:\n{Output}\nstderr:\n{Errors}");
            try
            {
                await _lineArrived.WaitAsync(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name}: no line containing '{text}' within {timeout.TotalSeconds} s.\nstdout:\n{Output}\nstderr:\n{Errors}");
            }
        }
    }

    /// <summary>Waits for the exit and returns the exit code; wall time, memory and CPU are final after this.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds} s.\nstdout:\n{Output}\nstderr:\n{Errors}");
        }
        Wall = _wall.Elapsed;
        await _stopSampling.CancelAsync();
        await _sampler;
        return _process.ExitCode;
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        string status = $"/proc/{_process.Id}/status";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                foreach (var line in File.ReadLines(status))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        long kib = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                        if (kib > 0)
                            Interlocked.Exchange(ref _peakRssKib, Math.Max(kib, Interlocked.Read(ref _peakRssKib)));
                    }
                }
                if (_group is null) // else the group counts it exactly
                {
                    long ticks = (long)Math.Round(ProcessCpu.Seconds(_process.Id) * TicksPerSecond);
                    if (ticks > 0)
                        Interlocked.Exchange(ref _cpuTicks, ticks);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                return; // the process is gone
            }
            try
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        if (!Live.TryRemove(this, out _))
            return;
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
        _stopSampling.Cancel();
        _process.Dispose();
        if (_group is { } group)
        {
            // Its count goes with it: keep the last one for whoever asks afterwards.
            Volatile.Write(ref _groupCpuAtEnd, group.Seconds() ?? double.NaN);
            group.Dispose();
        }
        _lineArrived.Dispose();
        _stopSampling.Dispose();
    }
}
