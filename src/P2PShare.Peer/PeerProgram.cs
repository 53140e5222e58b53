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
        using var loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(logLevel)
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var output = new UserOutput(Console.Out);
        await using var node = new PeerNode(options, loggers);
        if (mode != PeerMode.Interactive)
            node.Notice += output.WriteLine; // the command loop subscribes itself
        try
        {
            await node.StartServingAsync(cancellationToken);
            switch (mode)
            {
                case PeerMode.Interactive:
                    return await new CommandLoop(node, Console.In, output, prompt: !Console.IsInputRedirected).RunAsync(cancellationToken);
                case PeerMode.Serve:
                    await node.JoinAsync(null, cancellationToken);
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
                    await node.JoinAsync(null, cancellationToken);
                    var download = await node.RequestAsync(file!, cancellationToken);
                    output.WriteLine($"Downloading '{download.Session.Name}' ({Units.Bytes(download.Session.Length)}) into {node.Repository.Root}");
                    var result = await download.Completion.WaitAsync(cancellationToken);
                    output.WriteLine(Report.Result(result));
                    return result.Outcome == DownloadOutcome.Completed ? 0 : 1;
            }
        }
        catch (PeerCommandException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 130;
        }
    }
}
