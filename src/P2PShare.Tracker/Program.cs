using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Discovery;
using P2PShare.Tracker;
using P2PShare.Tracker.Discovery;

var port = new Option<int>("--port", "-p") { Description = "TCP port to listen on (0: any free port).", DefaultValueFactory = _ => TrackerOptions.DefaultPort };
var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0: every interface).", DefaultValueFactory = _ => IPAddress.Any.ToString() };
var logLevel = new Option<LogLevel>("--log-level") { Description = "Diagnostics on stderr: Trace, Debug, Information, Warning, Error, None.", DefaultValueFactory = _ => LogLevel.Information };
var discoveryPort = new Option<int>("--discovery-port") { Description = "UDP port to answer peers looking for a tracker on (0: any free port).", DefaultValueFactory = _ => DiscoveryCodec.DefaultPort };
var noDiscovery = new Option<bool>("--no-discovery") { Description = "Do not answer discovery; peers must name this tracker." };
var updateWait = new Option<double>("--update-wait") { Description = "Seconds an update waits for the other peers to re-report.", DefaultValueFactory = _ => 5 };

port.Validators.Add(r =>
{
    if (r.GetValueOrDefault<int>() is < 0 or > IPEndPoint.MaxPort)
        r.AddError($"--port must be within 0..{IPEndPoint.MaxPort}");
});
host.Validators.Add(r =>
{
    if (!IPAddress.TryParse(r.GetValueOrDefault<string>(), out _))
        r.AddError($"--host '{r.GetValueOrDefault<string>()}' is not an IP address");
});
discoveryPort.Validators.Add(r =>
{
    if (r.GetValueOrDefault<int>() is < 0 or > IPEndPoint.MaxPort)
        r.AddError($"--discovery-port must be within 0..{IPEndPoint.MaxPort}");
});
updateWait.Validators.Add(r =>
{
    if (r.GetValueOrDefault<double>() is not (> 0 and <= 3600))
        r.AddError("--update-wait must be more than 0 and at most 3600 seconds");
});

var root = new RootCommand("P2PShare tracker: knows which peer on the LAN holds which file. Runs until Ctrl+C.")
{
    port, host, logLevel, updateWait, discoveryPort, noDiscovery,
};
root.SetAction((parse, ct) => TrackerProgram.RunAsync(
    new TrackerOptions
    {
        Port = parse.GetValue(port),
        Host = IPAddress.Parse(parse.GetValue(host)!),
        UpdateWait = TimeSpan.FromSeconds(parse.GetValue(updateWait)),
        Discovery = parse.GetValue(noDiscovery) ? null : new DiscoveryResponderOptions { Port = parse.GetValue(discoveryPort) },
    },
    parse.GetValue(logLevel), Console.Out, ct));

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
