using System.Diagnostics;

namespace P2PShare.Bench;

/// <summary>
/// Where a benchmark runs P2PShare.Peer.dll and P2PShare.Tracker.dll from (and P2PShare.TestPeer.dll,
/// the peer with a serve throttle, when it needs a slow seeder). By default it publishes them from
/// this source tree into a temporary folder first (precompiled, as README's "Running it for speed"
/// deploys them): a benchmark of the JIT-compiling build measures the compiler as much as the
/// program (about a fifth of a downloader's CPU). <c>build</c> runs the benchmark's own build output,
/// any other value is a folder already holding a publish output.
/// </summary>
internal sealed class BenchPrograms : IDisposable
{
    /// <summary>The <c>--programs</c> value that runs the benchmark's own (JIT-compiled) build.</summary>
    public const string OwnBuild = "build";

    /// <summary>The test host that runs the peer with test-only parts (tests/P2PShare.TestPeer).</summary>
    public const string TestPeer = "P2PShare.TestPeer";

    private static readonly string[] Programs = ["P2PShare.Peer", "P2PShare.Tracker"];

    private readonly string? _temporary;

    private BenchPrograms(string folder, string description, string? temporary)
    {
        Folder = folder;
        Description = description;
        _temporary = temporary;
    }

    /// <summary>The folder holding both programs.</summary>
    public string Folder { get; }

    /// <summary>What was run, for the benchmark's first line.</summary>
    public string Description { get; }

    /// <summary>
    /// Where <paramref name="program"/> (e.g. P2PShare.Peer) lies in <paramref name="folder"/>: in a
    /// subfolder of its own name if there is one (self-contained publishes with a composite image each
    /// need a folder of their own), else in the folder itself.
    /// </summary>
    public static string PathOf(string folder, string program)
    {
        string own = Path.Combine(folder, program, program + ".dll");
        if (File.Exists(own))
            return own;
        // A Native AOT publish (-p:PublishAot=true) is an executable of its own, with no .dll.
        string native = Path.Combine(folder, program, program);
        return File.Exists(native) && !File.Exists(Path.Combine(folder, program + ".dll")) ? native : Path.Combine(folder, program + ".dll");
    }

    /// <summary>How to start <paramref name="path"/> (from <see cref="PathOf"/>): a .dll through <c>dotnet</c>, a native executable itself.</summary>
    public static string[] Command(string path) =>
        path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ["dotnet", path] : [path];

    /// <summary>The help text of a <c>--programs</c> option.</summary>
    public static string OptionHelp =>
        $"Run the peer and tracker from this folder (a `dotnet publish` output of both, or one subfolder per program named after it), or '{OwnBuild}' for the benchmark's own build; default: publish them from this source tree into a temporary folder first.";

    /// <summary>
    /// Prepares the programs <paramref name="choice"/> names (see <see cref="PrepareAsync"/>), says which
    /// on stdout, runs <paramref name="benchmark"/> with their folder and returns its exit code; 2 with the
    /// reason on stderr when they cannot be prepared. A published temporary folder is deleted afterwards.
    /// </summary>
    public static async Task<int> RunWithAsync(string? choice, string name, Func<string, Task<int>> benchmark, CancellationToken cancellationToken, bool withTestPeer = false, bool nativePeer = false)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        BenchPrograms prepared;
        try
        {
            prepared = await PrepareAsync(choice, Console.Out, cancellationToken, withTestPeer, nativePeer);
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync($"{name}: {e.Message}");
            return 2;
        }
        using (prepared)
        {
            Console.WriteLine($"{name}: programs {prepared.Description}");
            return await benchmark(prepared.Folder);
        }
    }

    /// <summary>
    /// Resolves <paramref name="choice"/> (null: publish), with the <see cref="TestPeer"/> when
    /// <paramref name="withTestPeer"/>. Throws <see cref="InvalidOperationException"/> with the reason
    /// when the folder lacks a program or publishing fails.
    /// </summary>
    public static async Task<BenchPrograms> PrepareAsync(string? choice, TextWriter progress, CancellationToken cancellationToken, bool withTestPeer = false, bool nativePeer = false)
    {
        if (string.Equals(choice, OwnBuild, StringComparison.Ordinal))
            return Checked(new BenchPrograms(AppContext.BaseDirectory, $"the benchmark's own build in {AppContext.BaseDirectory} (JIT-compiled)", null), withTestPeer);
        if (choice is not null)
        {
            string folder = Path.GetFullPath(choice);
            return Checked(new BenchPrograms(folder, folder, null), withTestPeer);
        }

        string source = SourceTree() ?? throw new InvalidOperationException(
            $"cannot find P2PShare.sln above {AppContext.BaseDirectory} to publish from; pass --programs DIR (a publish output) or --programs {OwnBuild}");
        string temporary = Path.Combine(Path.GetTempPath(), $"p2pshare-bench-programs-{Environment.ProcessId}");
        try
        {
            // Native AOT needs clang (the linker); where it is, the peer starts in a hundredth of the CPU (docs/BENCHMARKS.md, `lan`).
            bool native = nativePeer && OnPath("clang");
            foreach (var project in Programs)
            {
                if (native && project == "P2PShare.Peer")
                {
                    await progress.WriteLineAsync($"publishing {project} (Release, Native AOT: clang is here) into {Path.Combine(temporary, project)}, before anything is timed");
                    await PublishAsync(Path.Combine(source, "src", project, project + ".csproj"), Path.Combine(temporary, project), cancellationToken, "--self-contained", "-p:PublishAot=true", "-p:PublishReadyToRun=false");
                    continue;
                }
                await progress.WriteLineAsync($"publishing {project} (Release, precompiled) into {temporary}, before anything is timed");
                await PublishAsync(Path.Combine(source, "src", project, project + ".csproj"), temporary, cancellationToken);
            }
            if (withTestPeer)
            {
                // A subfolder of its own: its publish carries the test helpers and its own copy of the peer's libraries.
                await progress.WriteLineAsync($"publishing {TestPeer} (Release, precompiled) into {Path.Combine(temporary, TestPeer)}, before anything is timed");
                await PublishAsync(Path.Combine(source, "tests", TestPeer, TestPeer + ".csproj"), Path.Combine(temporary, TestPeer), cancellationToken);
            }
            return Checked(new BenchPrograms(temporary, $"published from {source} into {temporary} ({(native ? "the peer Native AOT, the tracker ReadyToRun" : "ReadyToRun")})", temporary), withTestPeer);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_temporary is not null)
            TryDelete(_temporary);
    }

    private static BenchPrograms Checked(BenchPrograms programs, bool withTestPeer)
    {
        foreach (var program in Programs)
        {
            if (!File.Exists(PathOf(programs.Folder, program)))
            {
                programs.Dispose();
                throw new InvalidOperationException(
                    $"{programs.Folder} holds no {program}.dll, in itself or in a subfolder {program} (publish both there: dotnet publish -c Release src/P2PShare.Peer -o DIR, and the same for src/P2PShare.Tracker)");
            }
        }
        if (withTestPeer && !File.Exists(PathOf(programs.Folder, TestPeer)))
        {
            programs.Dispose();
            throw new InvalidOperationException(
                $"{programs.Folder} holds no {TestPeer}.dll, in itself or in a subfolder {TestPeer}, for the slow seeder (dotnet publish -c Release tests/{TestPeer} -o DIR/{TestPeer})");
        }
        return programs;
    }

    private static string? SourceTree()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "P2PShare.sln")))
                return dir.FullName;
        }
        return null;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));

    private static async Task PublishAsync(string project, string output, CancellationToken cancellationToken, params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "-o", output, "--nologo", "-v", "quiet" }.Concat(extra))
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start `dotnet publish`");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"`dotnet publish {Path.GetFileName(project)}` did not finish within 10 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`dotnet publish {Path.GetFileName(project)}` failed (exit code {process.ExitCode}):\n{await stdout}{await stderr}");
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"bench: could not delete {folder}: {e.Message}");
        }
    }
}
