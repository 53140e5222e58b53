using Microsoft.Extensions.Logging;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer;

/// <summary>The three ways to run a peer, wired to stdout (user output) and stderr (logs).</summary>
public static class PeerProgram
{
    /// <summary>Runs the peer in <paramref name="mode"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(PeerOptions options, LogLevel logLevel, PeerMode mode, string? file, CancellationToken cancellationToken)
    {
        // A live area (progress above the prompt) needs a terminal on stdout, and for the command loop on stdin too.
        bool live = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb"
            && (mode == PeerMode.Get || (mode == PeerMode.Interactive && !Console.IsInputRedirected));
        var output = live ? new UserOutput(Console.Out, Console.Error, TerminalWidth) : new UserOutput(Console.Out, Console.Error);
        // Diagnostics go through the same writer as answers, so the two never share a line.
        using var loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(logLevel)
            .AddProvider(new UserOutputLoggerProvider(output)));
        if (mode == PeerMode.Discover)
        {
            var report = await PeerNode.DiscoverAsync(options, loggers, cancellationToken);
            output.WriteLine(report.ToString());
            return report.First is null ? 1 : 0;
        }
        await using var node = new PeerNode(options, loggers);
        if (mode != PeerMode.Interactive)
            node.Notice += output.WriteLine; // the command loop subscribes itself
        try
        {
            await node.StartServingAsync(cancellationToken);
            switch (mode)
            {
                case PeerMode.Interactive:
                    if (!live)
                        return await new CommandLoop(node, Console.In, output, prompt: !Console.IsInputRedirected).RunAsync(cancellationToken);
                    using (var keys = new TerminalLineReader(output, "p2p> ", () => Console.ReadKey(intercept: true)))
                        return await WithProgressAsync(node, output, TimeSpan.FromMilliseconds(500),
                            () => new CommandLoop(node, keys, output, prompt: false).RunAsync(cancellationToken), cancellationToken);
                case PeerMode.Serve:
                    await node.LocateAndJoinAsync(null, output.WriteLine, cancellationToken);
                    output.WriteLine($"Sharing {Report.Plural(node.Repository.Files.Count, "file")} from {node.Repository.Root} on {node.ServingEndPoint}; joined the tracker at {node.TrackerEndpoint}. Ctrl+C stops.");
                    try
                    {
                        await Task.Delay(Timeout.Infinite, cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        output.WriteLine("Stopping.");
                    }
                    return 0;
                default:
                    await node.LocateAndJoinAsync(null, output.WriteLine, cancellationToken);
                    var download = await node.RequestAsync(file!, cancellationToken);
                    output.WriteLine($"Downloading '{download.Session.Name}' ({Units.Bytes(download.Session.Length)}) into {node.Repository.Root}");
                    var result = await WithProgressAsync(node, output, TimeSpan.FromMilliseconds(live ? 250 : 500),
                        () => download.Completion.WaitAsync(cancellationToken), cancellationToken);
                    output.WriteLine(Report.Result(result));
                    return result.Outcome == DownloadOutcome.Completed ? 0 : 1;
            }
        }
        catch (PeerCommandException e)
        {
            output.WriteErrorLine($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }

    // Shows the downloads' progress while `work` runs.
    private static async Task<T> WithProgressAsync<T>(PeerNode node, UserOutput output, TimeSpan interval, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ticker = new ProgressTicker(() => node.Downloads.Select(d => d.Session.GetProgress()).ToList(), output).RunAsync(interval, stop.Token);
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
