using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using P2PShare.Tracker.Network;

namespace P2PShare.Tracker;

/// <summary>The tracker as a program: user output to <c>stdout</c>, diagnostics to <c>stderr</c>, runs until cancelled.</summary>
public static class TrackerProgram
{
    /// <summary>Runs the tracker until <paramref name="cancellationToken"/> is cancelled (Ctrl+C, SIGTERM); returns the exit code.</summary>
    public static async Task<int> RunAsync(TrackerOptions options, LogLevel logLevel, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using var loggers = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(logLevel)
            .AddConsole(o =>
            {
                o.LogToStandardErrorThreshold = LogLevel.Trace;
                o.FormatterName = EscapingConsoleFormatter.FormatterName;
            })
            .AddConsoleFormatter<EscapingConsoleFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>(o =>
            {
                // Debug and Trace are read as a sequence in time (who joined, what was asked, when): every line carries it.
                if (logLevel <= LogLevel.Debug)
                {
                    o.TimestampFormat = "HH:mm:ss.fff ";
                    o.UseUtcTimestamp = true;
                }
            }));
        var server = new TrackerServer(options, loggers.CreateLogger("P2PShare.Tracker"));
        await using (server)
        {
            try
            {
                await server.StartAsync(cancellationToken);
            }
            catch (SocketException e)
            {
                await Console.Error.WriteLineAsync($"error: cannot listen on {options.Host}:{options.Port}: {e.Message}");
                return 1;
            }

            var endPoint = server.LocalEndPoint;
            await output.WriteLineAsync($"P2PShare tracker listening on {endPoint}");
            if (LocalAddresses.IsAnyAddress(endPoint.Address))
            {
                var addresses = LocalAddresses.NonLoopbackIPv4();
                if (addresses.Count == 0)
                    await output.WriteLineAsync($"No network address found besides loopback; peers on this machine can use 127.0.0.1:{endPoint.Port}");
                foreach (var address in addresses)
                    await output.WriteLineAsync($"Peers can reach it at {address}:{endPoint.Port}");
            }
            if (server.DiscoveryEndPoint is { } discovery)
                await output.WriteLineAsync($"Answering discovery on UDP {discovery}: a peer's bare `start` finds this tracker");
            else if (server.DiscoveryProblem is { } problem)
                await output.WriteLineAsync($"Discovery is off ({problem}); peers must name this tracker: start HOST:{endPoint.Port}");
            if (server.MdnsInstance is { } instance)
                await output.WriteLineAsync($"Advertising \"{instance}\" by mDNS on UDP {server.MdnsPort} (every interface, IPv4 and IPv6; announced every 30 s)");
            else if (server.MdnsProblem is { } mdnsProblem)
                await output.WriteLineAsync($"mDNS is off ({mdnsProblem}); peers still find this tracker by UDP discovery");
            await output.WriteLineAsync(options.Secret is null
                ? "Authentication is OFF: the network is open; anyone who can reach this port may join, list and fetch. Set P2PSHARE_SECRET or --secret-file on the tracker and every peer to close it."
                : "Authentication is ON: only peers that prove the shared secret (HMAC-SHA256 challenge-response) may join; every connection is TLS 1.3.");
            await output.WriteLineAsync("Ctrl+C stops it.");

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                await output.WriteLineAsync("Stopping.");
            }
        }
        await output.WriteLineAsync("Tracker stopped.");
        return 0;
    }
}
