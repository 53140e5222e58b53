using Microsoft.Extensions.Logging;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>The peer's modes, one method each, wired to stdout (user output) and stderr (logs).</summary>
public static class PeerProgram
{
    /// <summary>Exit code of a <c>get</c> stopped by Ctrl+C, as shells report a process ended by SIGINT.</summary>
    public const int InterruptedExitCode = 130;

    // Events the user is told about in plain words (a notice or a result): logged as well only when
    // --log-level asks, so a default run says each thing once.
    // 211 tracker lost, 220 holder dropped, 221 corrupt piece, 224 download failed, 261 holder lost (NoticeText says each).
    private static readonly HashSet<int> ToldInWords = [211, 220, 221, 224, 261];

    // A live area (progress above the prompt) needs a terminal on stdout.
    private static bool TerminalOut => !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";

    /// <summary>The command loop on stdin (a live prompt when stdin and stdout are a terminal); returns the exit code.</summary>
    /// <param name="options">The peer's options.</param>
    /// <param name="parts">Parts a test host replaces or wraps; null for the real ones.</param>
    /// <param name="logLevel">The --log-level given; null: the default (warnings, without those already told in words).</param>
    /// <param name="cancellationToken">Stops everything.</param>
    public static Task<int> InteractiveAsync(PeerOptions options, PeerParts? parts, LogLevel? logLevel, CancellationToken cancellationToken)
    {
        bool live = TerminalOut && !Console.IsInputRedirected;
        return WithNodeAsync(options, parts, logLevel, live, interactive: true, async (node, output, interrupts, stopping) =>
        {
            if (!live)
                return await new CommandLoop(node, Console.In, output, prompt: !Console.IsInputRedirected, interrupts).RunAsync(stopping);
            using var keys = new TerminalLineReader(output, "p2p> ", () => Console.ReadKey(intercept: true));
            var loop = new CommandLoop(node, keys, output, prompt: false, interrupts);
            return await WithProgressAsync(node, output, loop.Rates, TimeSpan.FromMilliseconds(500), () => loop.RunAsync(stopping), stopping);
        }, cancellationToken);
    }

    /// <summary>Joins the tracker and shares until Ctrl+C; returns the exit code (<paramref name="parts"/>: as for <see cref="InteractiveAsync"/>).</summary>
    public static Task<int> ServeAsync(PeerOptions options, PeerParts? parts, LogLevel? logLevel, CancellationToken cancellationToken) =>
        WithNodeAsync(options, parts, logLevel, live: false, interactive: false, async (node, output, _, stopping) =>
        {
            await node.LocateAndJoinAsync(null, LocationText.SayTo(output.WriteLine), stopping, listFiles: false);
            output.WriteLine($"Sharing {Report.Plural(node.Repository.Files.Count + node.Repository.Copies.Count, "file")} from {node.Repository.Root} on {node.ServingEndPoint}; joined the tracker at {node.TrackerEndpoint}. Ctrl+C stops.");
            try
            {
                await Task.Delay(Timeout.Infinite, stopping);
            }
            catch (OperationCanceledException)
            {
                output.WriteLine("Stopping.");
            }
            return 0;
        }, cancellationToken);

    /// <summary><c>get --seed-for</c> when not given: see README's option table for why.</summary>
    public static readonly TimeSpan DefaultSeedFor = TimeSpan.Zero;

    /// <summary>
    /// Downloads <paramref name="file"/> (or a folder's files) and prints a summary; 0 once it is complete and verified. With
    /// <paramref name="seedFor"/> it then serves the file (the folder) on while other downloaders fetch from it, at most that long (<paramref name="parts"/>: as for <see cref="InteractiveAsync"/>).
    /// </summary>
    public static Task<int> GetAsync(PeerOptions options, PeerParts? parts, LogLevel? logLevel, string file, TimeSpan seedFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (PeerNode.IsFolder(file))
            return GetFolderAsync(options, parts, logLevel, file, seedFor, cancellationToken);
        bool live = TerminalOut;
        return WithNodeAsync(options, parts, logLevel, live, interactive: false, async (node, output, _, stopping) =>
        {
            const string ToContinue = "run the same command again to resume";
            ActiveDownload download;
            try
            {
                await node.LocateAndJoinAsync(null, LocationText.SayTo(output.WriteLine), stopping, listFiles: false);
                download = await node.RequestAsync(file, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Ctrl+C while joining or looking the file up: 130 still, but not in silence.
                output.WriteLine($"Stopped before '{file}' began downloading; nothing was written.");
                return InterruptedExitCode;
            }
            if (!download.AlreadyHere) // else the result says "Already have"
                output.WriteLine($"Downloading '{download.Session.Name}' ({Units.Bytes(download.Session.Length)}) into {node.Repository.Root}");
            var resume = ResumeNotice.WatchAsync(download, output.WriteLine);
            DownloadResult result;
            try
            {
                result = await WithProgressAsync(node, output, new ProgressRates(), TimeSpan.FromMilliseconds(live ? 250 : 500),
                    () => download.Completion.WaitAsync(stopping), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Ctrl+C: stop cleanly, so the verified pieces are on disk and the user is told how many.
                await download.StopAsync();
                result = await download.Completion;
            }
            await resume;
            output.WriteLine(Report.Result(result, ToContinue));
            if (result.Outcome == DownloadOutcome.Completed && seedFor > TimeSpan.Zero)
                await SeedAsync(node, output, download.Session.Name, seedFor, stopping);
            return result.Outcome switch
            {
                DownloadOutcome.Completed => 0,
                DownloadOutcome.Stopped => InterruptedExitCode,
                _ => 1,
            };
        }, cancellationToken);
    }

    // `get photos/`: every file under the folder, one progress line, a summary; 0 only when every file is complete and verified.
    // With seedFor, a complete folder is served on by the single file's rule: until nobody has been connected for Feeding.Quiet.
    private static Task<int> GetFolderAsync(PeerOptions options, PeerParts? parts, LogLevel? logLevel, string folder, TimeSpan seedFor, CancellationToken cancellationToken)
    {
        bool live = TerminalOut;
        return WithNodeAsync(options, parts, logLevel, live, interactive: false, async (node, output, _, stopping) =>
        {
            FolderDownload download;
            try
            {
                await node.LocateAndJoinAsync(null, LocationText.SayTo(output.WriteLine), stopping, listFiles: false);
                download = await node.RequestFolderAsync(folder, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                output.WriteLine($"Stopped before '{folder}' began downloading; nothing was written.");
                return InterruptedExitCode;
            }
            output.WriteLine(FolderText.Starting(download, node.Repository.Root));
            FolderResult result;
            try
            {
                result = await WithProgressAsync(node, output, new ProgressRates(), TimeSpan.FromMilliseconds(live ? 250 : 500),
                    () => download.Completion.WaitAsync(stopping), stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                await download.StopAsync(); // every verified piece stays on disk: the same command resumes
                result = await download.Completion;
            }
            output.WriteLine(FolderText.Summary(result, "run the same command again to resume"));
            if (result.Outcome == DownloadOutcome.Completed && seedFor > TimeSpan.Zero)
                await SeedAsync(node, output, download.Folder, seedFor, stopping);
            return result.Outcome switch
            {
                DownloadOutcome.Completed => 0,
                DownloadOutcome.Stopped => InterruptedExitCode,
                _ => 1,
            };
        }, cancellationToken);
    }

    // get --seed-for: the file (or every file of the folder) is complete and announced as such; serve it while others still fetch it.
    private static async Task SeedAsync(PeerNode node, UserOutput output, string name, TimeSpan bound, CancellationToken stopping)
    {
        output.WriteLine(SeedingText.Start(name, bound));
        try
        {
            output.WriteLine(SeedingText.End(await Feeding.WaitAsync(() => node.FetchersConnected, bound, stopping), bound));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            output.WriteLine(PeerNode.IsFolder(name) ? SeedingText.FolderInterrupted : SeedingText.Interrupted);
        }
    }

    /// <summary>Looks for a tracker every way and prints what was tried and found; 0 when one answered.</summary>
    public static async Task<int> DiscoverAsync(PeerOptions options, LogLevel? logLevel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var output = new UserOutput(Console.Out, Console.Error);
        using var loggers = Loggers(output, logLevel);
        var report = await PeerNode.DiscoverAsync(options, loggers, cancellationToken);
        output.WriteLine(DiscoveryText.Report(report));
        return report.First is null ? 1 : 0;
    }

    // What every mode with a node shares: output, logs, Ctrl+C, the node serving, and the exit code of a failure or an interruption.
    private static async Task<int> WithNodeAsync(PeerOptions options, PeerParts? parts, LogLevel? logLevel, bool live, bool interactive,
        Func<PeerNode, UserOutput, CommandInterrupts, CancellationToken, Task<int>> mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var output = live ? new UserOutput(Console.Out, Console.Error, TerminalWidth) : new UserOutput(Console.Out, Console.Error);
        bool existed = Directory.Exists(options.ResolveRepository());
        // Diagnostics go through the same writer as answers, so the two never share a line.
        using var loggers = Loggers(output, logLevel);
        using var interrupts = new CommandInterrupts();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var signals = new ConsoleSignals(() => interactive ? Interrupt(interrupts) : Stop(stopping), () => stopping.Cancel());
        await using var node = new PeerNode(options, loggers, parts);
        if (!interactive)
            node.Notice += NoticeText.SayTo(output.WriteLine); // the command loop subscribes itself
        try
        {
            await node.StartServingAsync(stopping.Token);
            if (!existed && options.ShareFolderContents)
                output.WriteLine($"Created {node.Repository.Root}: empty, nothing shared yet. Files put there are shared after `update` (or the next start).");
            return await mode(node, output, interrupts, stopping.Token);
        }
        catch (PeerCommandException e)
        {
            output.WriteErrorLine($"error: {FailureText.Of(e)}");
            return 2;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return InterruptedExitCode;
        }
    }

    /// <summary>The loggers of every mode: through <paramref name="output"/>, at <paramref name="logLevel"/> or warnings less those told in words.</summary>
    internal static ILoggerFactory Loggers(UserOutput output, LogLevel? logLevel) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(logLevel ?? LogLevel.Warning)
        .AddProvider(new UserOutputLoggerProvider(output, logLevel is null ? ToldInWords : [], timed: logLevel <= LogLevel.Debug)));

    // Ctrl+C in the command loop: the command running stops, or at the prompt the loop leaves; a
    // further Ctrl+C while it is leaving ends the process at once.
    private static bool Interrupt(CommandInterrupts interrupts)
    {
        if (interrupts.Leaving.IsCancellationRequested)
            return false;
        interrupts.Interrupt();
        return true;
    }

    // Ctrl+C in get and serve: the first stops cleanly; a second, while that is under way, ends the process at once.
    private static bool Stop(CancellationTokenSource stopping)
    {
        if (stopping.IsCancellationRequested)
            return false;
        stopping.Cancel();
        return true;
    }

    // Shows the downloads' progress while `work` runs.
    private static async Task<T> WithProgressAsync<T>(PeerNode node, UserOutput output, ProgressRates rates, TimeSpan interval, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ticker = new ProgressTicker(node.Progress, output, rates).RunAsync(interval, stop.Token);
        try
        {
            return await work();
        }
        finally
        {
            await stop.CancelAsync();
            await ticker;
            output.EndLive();
        }
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
