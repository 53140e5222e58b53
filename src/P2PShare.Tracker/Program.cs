using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Discovery;
using P2PShare.Tracker;
using P2PShare.Tracker.Discovery;

var port = new Option<int>("--port", "-p") { Description = "TCP port to listen on (0: any free port).", DefaultValueFactory = _ => TrackerOptions.DefaultPort };
var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0: every interface).", DefaultValueFactory = _ => IPAddress.Any.ToString() };
var logLevel = new Option<LogLevel>("--log-level") { Description = "Diagnostics on stderr: Trace, Debug, Information, Warning, Error, None.", DefaultValueFactory = _ => LogLevel.Information };
var discoveryPort = new Option<int>("--discovery-port") { Description = "UDP port to answer peers looking for a tracker on (0: any free port).", DefaultValueFactory = _ => DiscoveryCodec.DefaultPort };
var noDiscovery = new Option<bool>("--no-discovery") { Description = "Do not answer discovery (neither UDP nor mDNS); peers must name this tracker." };
var noMdns = new Option<bool>("--no-mdns") { Description = "Do not advertise _p2pshare._tcp.local by multicast DNS on UDP 5353 (UDP discovery stays on)." };
var updateWait = new Option<double>("--update-wait") { Description = "Seconds an update waits for the other peers to re-report.", DefaultValueFactory = _ => 5 };
var secret = new Option<string?>("--secret") { Description = $"Shared secret every peer must prove (prefer --secret-file or {SecretSources.EnvironmentVariable}: this one shows in shell history and process lists)." };
var secretFile = new Option<FileInfo?>("--secret-file") { Description = "File holding the shared secret (surrounding whitespace ignored)." };
var maxClients = new Option<int>("--max-clients") { Description = "Connections served at once.", DefaultValueFactory = _ => new TrackerOptions().MaxClients };
var maxPerAddress = new Option<int>("--max-clients-per-address") { Description = "Connections served at once from one IP address.", DefaultValueFactory = _ => new TrackerOptions().MaxClientsPerAddress };

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

foreach (var limit in new[] { maxClients, maxPerAddress })
{
    limit.Validators.Add(r =>
    {
        if (r.GetValueOrDefault<int>() < 1)
            r.AddError($"{limit.Name} must be at least 1");
    });
}

var root = new RootCommand("P2PShare tracker: knows which peer on the LAN holds which file. Runs until Ctrl+C.")
{
    port, host, logLevel, updateWait, discoveryPort, noDiscovery, noMdns, secret, secretFile, maxClients, maxPerAddress,
};
root.SetAction(async (parse, ct) =>
{
    SharedSecret? shared;
    try
    {
        var file = parse.GetValue(secretFile);
        shared = SecretSources.Resolve(parse.GetValue(secret), file is null ? null : await File.ReadAllTextAsync(file.FullName, ct),
            Environment.GetEnvironmentVariable(SecretSources.EnvironmentVariable));
    }
    catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
    {
        await Console.Error.WriteLineAsync($"error: {e.Message}");
        return 2;
    }
    return await TrackerProgram.RunAsync(
        new TrackerOptions
        {
            Port = parse.GetValue(port),
            Host = IPAddress.Parse(parse.GetValue(host)!),
            UpdateWait = TimeSpan.FromSeconds(parse.GetValue(updateWait)),
            Secret = shared,
            Discovery = parse.GetValue(noDiscovery) ? null : new DiscoveryResponderOptions
            {
                Port = parse.GetValue(discoveryPort),
                Secret = shared,
                Mdns = parse.GetValue(noMdns) ? null : new MdnsOptions(),
            },
            MaxClients = parse.GetValue(maxClients),
            MaxClientsPerAddress = parse.GetValue(maxPerAddress),
        },
        parse.GetValue(logLevel), Console.Out, ct);
});

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
