using Microsoft.Extensions.Logging;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer;

/// <summary>The three ways to run a peer, wired to stdout (user output) and stderr (logs).</summary>
public static class PeerProgram
{
    /// <summary>Exit code of a <c>get</c> stopped by Ctrl+C, as shells report a process ended by SIGINT.</summary>
    public const int InterruptedExitCode = 130;

    // Events the user is told about in plain words (a notice or a result): logged as well only when
    // --log-level asks, so a default run says each thing once.
    private static readonly HashSet<int> ToldInWords = [211, 220, 221, 224];

    /// <summary>Runs the peer in <paramref name="mode"/>; returns the process exit code.</summary>
    /// <param name="options">The peer's options.</param>
    /// <param name="logLevel">The --log-level given; null: the default (warnings, without those already told in words).</param>
    /// <param name="mode">Command loop, serve or get.</param>
    /// <param name="file">The file for <c>get</c>.</param>
    /// <param name="cancellationToken">Stops everything.</param>
    public static async Task<int> RunAsync(PeerOptions options, LogLevel? logLevel, PeerMode mode, string? file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        // A live area (progress above the prompt) needs a terminal on stdout, and for the command loop on stdin too.
        bool live = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb"
            && (mode == PeerMode.Get || (mode == PeerMode.Interactive && !Console.IsInputRedirected));
        var output = live ? new UserOutput(Console.Out, Console.Error, TerminalWidth) : new UserOutput(Console.Out, Console.Error);
        string root = options.ResolveRepository();
        bool existed = Directory.Exists(root);
        // Diagnostics go through the same writer as answers, so the two never share a line.
        using var loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(logLevel ?? LogLevel.Warning)
            .AddProvider(new UserOutputLoggerProvider(output, logLevel is null ? ToldInWords : [])));
        using var interrupts = new CommandInterrupts();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var signals = new ConsoleSignals(
            () => mode == PeerMode.Interactive ? Interrupt(interrupts) : Stop(stopping),
            () => stopping.Cancel());
        if (mode == PeerMode.Discover)
        {
            var report = await PeerNode.DiscoverAsync(options, loggers, cancellationToken);
            output.WriteLine(DiscoveryText.Report(report));
            return report.First is null ? 1 : 0;
        }
        await using var node = new PeerNode(options, loggers);
        if (mode != PeerMode.Interactive)
            node.Notice += NoticeText.SayTo(output.WriteLine); // the command loop subscribes itself
        try
        {
            await node.StartServingAsync(stopping.Token);
            if (!existed && options.ShareFolderContents)
                output.WriteLine($"Created {node.Repository.Root}: empty, nothing shared yet. Files put there are shared after `update` (or the next start).");
            switch (mode)
            {
                case PeerMode.Interactive:
                    if (!live)
                        return await new CommandLoop(node, Console.In, output, prompt: !Console.IsInputRedirected, interrupts).RunAsync(stopping.Token);
                    using (var keys = new TerminalLineReader(output, "p2p> ", () => Console.ReadKey(intercept: true)))
                    {
                        var loop = new CommandLoop(node, keys, output, prompt: false, interrupts);
                        return await WithProgressAsync(node, output, loop.Rates, TimeSpan.FromMilliseconds(500),
                            () => loop.RunAsync(stopping.Token), stopping.Token);
                    }
                case PeerMode.Serve:
                    await node.LocateAndJoinAsync(null, LocationText.SayTo(output.WriteLine), stopping.Token, listFiles: false);
                    output.WriteLine($"Sharing {Report.Plural(node.Repository.Files.Count, "file")} from {node.Repository.Root} on {node.ServingEndPoint}; joined the tracker at {node.TrackerEndpoint}. Ctrl+C stops.");
                    try
                    {
                        await Task.Delay(Timeout.Infinite, stopping.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        output.WriteLine("Stopping.");
                    }
                    return 0;
                default:
                    return await GetAsync(node, output, file!, live, stopping.Token);
            }
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

    private static async Task<int> GetAsync(PeerNode node, UserOutput output, string file, bool live, CancellationToken cancellationToken)
    {
        const string ToContinue = "run the same command again to resume";
        await node.LocateAndJoinAsync(null, LocationText.SayTo(output.WriteLine), cancellationToken, listFiles: false);
        var download = await node.RequestAsync(file, cancellationToken);
        if (!download.AlreadyHere) // else the result says "Already have"
            output.WriteLine($"Downloading '{download.Session.Name}' ({Units.Bytes(download.Session.Length)}) into {node.Repository.Root}");
        var resume = ResumeNotice.WatchAsync(download, output.WriteLine);
        DownloadResult result;
        try
        {
            result = await WithProgressAsync(node, output, new ProgressRates(), TimeSpan.FromMilliseconds(live ? 250 : 500),
                () => download.Completion.WaitAsync(cancellationToken), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: stop cleanly, so the verified pieces are on disk and the user is told how many.
            await download.StopAsync();
            result = await download.Completion;
        }
        await resume;
        output.WriteLine(Report.Result(result, ToContinue));
        return result.Outcome switch
        {
            DownloadOutcome.Completed => 0,
            DownloadOutcome.Stopped => InterruptedExitCode,
            _ => 1,
        };
    }

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
        var ticker = new ProgressTicker(() => node.Downloads.Select(d => d.Session.GetProgress()).ToList(), output, rates).RunAsync(interval, stop.Token);
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
