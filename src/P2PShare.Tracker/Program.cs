using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Cli;
using P2PShare.Protocol.Discovery;
using P2PShare.Tracker;
using P2PShare.Tracker.Discovery;

var port = new Option<int>("--port", "-p") { Description = "TCP port to listen on (0: any free port).", DefaultValueFactory = _ => TrackerOptions.DefaultPort }
    .AcceptPort(zeroForAnyFreePort: true);
var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0: every interface).", DefaultValueFactory = _ => IPAddress.Any.ToString() }
    .AcceptIpAddress();
// Warning by default: what Information adds first (listening, discovery, stopping) the output already says in words.
var logLevel = new Option<LogLevel>("--log-level") { Description = "Diagnostics on stderr: Trace, Debug, Information (peers joining and leaving), Warning, Error, None.", DefaultValueFactory = _ => LogLevel.Warning };
var discoveryPort = new Option<int>("--discovery-port") { Description = "UDP port to answer peers looking for a tracker on (0: any free port).", DefaultValueFactory = _ => DiscoveryCodec.DefaultPort }
    .AcceptPort(zeroForAnyFreePort: true);
var noDiscovery = new Option<bool>("--no-discovery") { Description = "Do not answer discovery (neither UDP nor mDNS); peers must name this tracker." };
var noMdns = new Option<bool>("--no-mdns") { Description = "Do not advertise _p2pshare._tcp.local by multicast DNS on UDP 5353 (UDP discovery stays on)." };
var updateWait = new Option<double>("--update-wait") { Description = "Seconds an update waits for the other peers to re-report.", DefaultValueFactory = _ => 5 }
    .Check(value => value is not (> 0 and <= 3600) ? "--update-wait must be more than 0 and at most 3600 seconds" : null);
var secret = new SecretOptions("Shared secret every peer must prove");
var maxClients = new Option<int>("--max-clients") { Description = "Connections served at once.", DefaultValueFactory = _ => new TrackerOptions().MaxClients };
var maxPerAddress = new Option<int>("--max-clients-per-address") { Description = "Connections served at once from one IP address.", DefaultValueFactory = _ => new TrackerOptions().MaxClientsPerAddress };
var maxFilesPerPeer = new Option<int>("--max-files-per-peer") { Description = "Files one peer may share through this tracker; more are refused (and the peer told).", DefaultValueFactory = _ => new TrackerOptions().MaxFilesPerPeer };
foreach (var limit in new[] { maxClients, maxPerAddress, maxFilesPerPeer })
    limit.Check(value => value < 1 ? $"{limit.Name} must be at least 1" : null);

var root = new RootCommand("P2PShare tracker: knows which peer on the LAN holds which file. Runs until Ctrl+C.")
{
    port, host, logLevel, updateWait, discoveryPort, noDiscovery, noMdns, secret.Secret, secret.File, maxClients, maxPerAddress, maxFilesPerPeer,
};
root.SetAction(ProgramRun.Guarded((parse, ct) =>
{
    var shared = secret.Read(parse);
    return TrackerProgram.RunAsync(
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
            MaxFilesPerPeer = parse.GetValue(maxFilesPerPeer),
        },
        parse.GetValue(logLevel), Console.Out, ct);
}));

return await root.RunAsync(args, "Run with --help to see the options.", new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
