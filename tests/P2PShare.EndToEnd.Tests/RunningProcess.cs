using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// One of our programs started as a real process (`dotnet X.dll ...`), with its stdout collected
/// line by line so a test can wait for a line with a deadline. Killed on dispose if still running.
/// </summary>
internal sealed class RunningProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private RunningProcess(Process process) => _process = process;

    public static RunningProcess Start(string program, string workingDirectory, params string[] args) =>
        Launch([], new Dictionary<string, string>(), program, workingDirectory, args);

    /// <summary>As <see cref="Start"/>, with <paramref name="environment"/> added to (or overriding) the inherited variables.</summary>
    public static RunningProcess StartWith(IReadOnlyDictionary<string, string> environment, string program, string workingDirectory, params string[] args) =>
        Launch([], environment, program, workingDirectory, args);

    /// <summary>Starts <paramref name="program"/> inside the network namespace <paramref name="netns"/> (root only).</summary>
    public static RunningProcess StartInNamespace(string netns, string program, string workingDirectory, params string[] args) =>
        Launch(["netns", "exec", netns], new Dictionary<string, string>(), program, workingDirectory, args);

    // A test run started in the background of a script (`cmd &`) inherits SIGINT ignored, and .NET keeps
    // an ignored SIGINT ignored, so every Ctrl+C test failed that way. GNU env (coreutils 8.31+) starts
    // the program with SIGINT back to its default; it execs, so the process id is the program's.
    private static readonly Lazy<bool> DefaultSignals = new(() =>
    {
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("env", ["--default-signal=INT", "true"]) { UseShellExecute = false, RedirectStandardError = true });
            return probe is not null && probe.WaitForExit(10_000) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    });

    private static RunningProcess Launch(string[] ipPrefix, IReadOnlyDictionary<string, string> environment, string program, string workingDirectory, string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, program + ".dll");
        string first = ipPrefix.Length == 0 ? "dotnet" : "ip";
        var info = new ProcessStartInfo(DefaultSignals.Value ? "env" : first)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (DefaultSignals.Value)
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add(first);
        }
        foreach (var arg in ipPrefix)
            info.ArgumentList.Add(arg);
        if (ipPrefix.Length > 0)
            info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var process = new Process { StartInfo = info };
        var running = new RunningProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
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
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    public StreamWriter Input => _process.StandardInput;

    public int Id => _process.Id;

    /// <summary>Kills the process at once with SIGKILL (no chance to clean up), and waits for it to be gone.</summary>
    public async Task KillAsync(TimeSpan timeout)
    {
        _process.Kill(entireProcessTree: true);
        await WaitForExitAsync(timeout);
    }

    public string Output => string.Join('\n', _lines);

    public string Errors
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Waits for a stdout line containing <paramref name="text"/> and returns it.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var match = _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (match is not null)
                return match;
            try
            {
                await _lineArrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line containing '{text}' within {timeout.TotalSeconds} s.\nstdout:\n{Output}\nstderr:\n{Errors}");
            }
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"process did not exit within {timeout.TotalSeconds} s.\nstdout:\n{Output}\nstderr:\n{Errors}");
        }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        _lineArrived.Dispose();
    }
}
