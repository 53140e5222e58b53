using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Discovery;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Discovery;

var port = new Option<int>("--port", "-p") { Description = "TCP port to serve pieces on (0: any free port). The repository defaults to repo_PORT.", DefaultValueFactory = _ => 0, Recursive = true };
var repo = new Option<string?>("--repo", "-r") { Description = "Repository folder to share from and download into (default: repo_PORT in the current folder).", Recursive = true };
var tracker = new Option<string?>("--tracker", "-t") { Description = "Tracker address HOST:PORT for `start` with no address, `serve` and `get`; given, it wins over discovery (default: the tracker discovery finds, else 127.0.0.1:12500).", Recursive = true };
var bind = new Option<string>("--bind") { Description = "Address to serve pieces on.", DefaultValueFactory = _ => "0.0.0.0", Recursive = true };
var logLevel = new Option<LogLevel>("--log-level") { Description = "Diagnostics on stderr: Trace, Debug, Information, Warning, Error, None.", DefaultValueFactory = _ => LogLevel.Warning, Recursive = true };
var pieceLength = new Option<int?>("--piece-length") { Description = "Piece length in bytes for files we share (default: chosen by file size).", Recursive = true };
var discoveryTarget = new Option<string?>("--discovery-target") { Description = "The one address `start` with no address (and no --tracker) asks for a tracker over UDP (default: broadcast and mDNS on every interface, then a sweep of each /24).", Recursive = true };
var discoveryPort = new Option<int>("--discovery-port") { Description = "The UDP port trackers answer discovery on.", DefaultValueFactory = _ => DiscoveryCodec.DefaultPort, Recursive = true };
var noDiscovery = new Option<bool>("--no-discovery") { Description = "Do not look for a tracker; `start` with no address goes to --tracker or 127.0.0.1:12500.", Recursive = true };
var secret = new Option<string?>("--secret") { Description = $"The network's shared secret (prefer --secret-file or {SecretSources.EnvironmentVariable}: this one shows in shell history and process lists).", Recursive = true };
var secretFile = new Option<FileInfo?>("--secret-file") { Description = "File holding the network's shared secret (surrounding whitespace ignored).", Recursive = true };
var reconnectDelay = new Option<double>("--reconnect-delay") { Description = "Seconds before the first attempt to reconnect to a lost tracker; the wait doubles (with jitter) after each failed attempt.", DefaultValueFactory = _ => new PeerOptions().ReconnectInitialDelay.TotalSeconds, Recursive = true };
var reconnectMaxDelay = new Option<double>("--reconnect-max-delay") { Description = "Longest wait, in seconds, between attempts to reconnect to a lost tracker.", DefaultValueFactory = _ => new PeerOptions().ReconnectMaxDelay.TotalSeconds, Recursive = true };
// Test only (the swarm benchmark's slow seeder): hidden from help and the README's option table.
var testOnlyServeMbps = new Option<double>("--test-only-serve-mbps") { Description = "TEST ONLY: serve at most this many MB/s.", Hidden = true, Recursive = true };
var file = new Argument<string>("file") { Description = "The file's name, or at least 6 hex digits of its id." };

var serve = new Command("serve", "Join the tracker and share the repository until Ctrl+C (a headless seeder). e.g. serve --port 12666");
var get = new Command("get", "Download one file, print a summary, exit 0 once it is complete and verified. e.g. get big.bin --tracker 192.168.1.20:12500") { file };
var discover = new Command("discover", "Look for a tracker every way (broadcast, mDNS, a /24 sweep) on every interface, print what each way sent and got, and exit 0 when one answered. e.g. discover");
var root = new RootCommand("P2PShare peer: share a folder with the LAN and download files from every peer that has them. With no command: an interactive command loop.\n\n"
    + CommandLoop.HelpText() + "\n\nExample: dotnet run --project src/P2PShare.Peer -- --port 12666, then type `start`.")
{
    port, repo, tracker, bind, logLevel, pieceLength, discoveryTarget, discoveryPort, noDiscovery, secret, secretFile, reconnectDelay, reconnectMaxDelay,
    testOnlyServeMbps, serve, get, discover,
};

PeerOptions Options(ParseResult parse)
{
    var address = parse.GetValue(bind)!;
    if (!IPAddress.TryParse(address, out var bindAddress))
        throw new PeerCommandException($"--bind '{address}' is not an IP address");
    var target = parse.GetValue(discoveryTarget);
    IPAddress? targetAddress = null;
    if (target is not null && !IPAddress.TryParse(target, out targetAddress))
        throw new PeerCommandException($"--discovery-target '{target}' is not an IP address");
    if (parse.GetValue(discoveryPort) is < 1 or > IPEndPoint.MaxPort)
        throw new PeerCommandException($"--discovery-port {parse.GetValue(discoveryPort)} is not a port (1-65535)");
    var (firstWait, longestWait) = ReconnectDelays(parse);
    var shared = Secret(parse);
    return new PeerOptions
    {
        Port = parse.GetValue(port),
        RepositoryPath = parse.GetValue(repo),
        DefaultTracker = parse.GetValue(tracker) ?? new PeerOptions().DefaultTracker,
        BindAddress = bindAddress,
        PieceLength = parse.GetValue(pieceLength),
        Secret = shared,
        // A configured --tracker wins over discovery, as a typed address does.
        Discovery = parse.GetValue(tracker) is not null || parse.GetValue(noDiscovery) ? null : new DiscoveryOptions { Target = targetAddress, Port = parse.GetValue(discoveryPort), Secret = shared },
        ReconnectInitialDelay = firstWait,
        ReconnectMaxDelay = longestWait,
        TestOnlyServeBytesPerSecond = (long)(parse.GetValue(testOnlyServeMbps) * 1e6),
    };
}

(TimeSpan First, TimeSpan Longest) ReconnectDelays(ParseResult parse)
{
    double first = parse.GetValue(reconnectDelay), longest = parse.GetValue(reconnectMaxDelay);
    const double Day = 86400;
    if (!(first >= 0.01 && first <= Day))
        throw new PeerCommandException($"--reconnect-delay {first} is not a wait in seconds from 0.01 to {Day} (a day)");
    if (!(longest >= first && longest <= Day))
        throw new PeerCommandException($"--reconnect-max-delay {longest} must be at least --reconnect-delay ({first}) and at most {Day} seconds (a day)");
    return (TimeSpan.FromSeconds(first), TimeSpan.FromSeconds(longest));
}

SharedSecret? Secret(ParseResult parse)
{
    try
    {
        var path = parse.GetValue(secretFile);
        return SecretSources.Resolve(parse.GetValue(secret), path is null ? null : File.ReadAllText(path.FullName),
            Environment.GetEnvironmentVariable(SecretSources.EnvironmentVariable));
    }
    catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
    {
        throw new PeerCommandException(e.Message, e);
    }
}

// A bad option value or an unusable secret is the user's to fix: one line on stderr and exit code 2, not a stack trace.
async Task<int> Run(ParseResult parse, PeerMode mode, string? name, CancellationToken ct)
{
    PeerOptions options;
    try
    {
        options = Options(parse);
    }
    catch (PeerCommandException e)
    {
        await Console.Error.WriteLineAsync($"error: {e.Message}");
        return 2;
    }
    return await PeerProgram.RunAsync(options, parse.GetValue(logLevel), mode, name, ct);
}

root.SetAction((parse, ct) => Run(parse, PeerMode.Interactive, null, ct));
serve.SetAction((parse, ct) => Run(parse, PeerMode.Serve, null, ct));
get.SetAction((parse, ct) => Run(parse, PeerMode.Get, parse.GetValue(file), ct));
discover.SetAction((parse, ct) => Run(parse, PeerMode.Discover, null, ct));

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(5) });
