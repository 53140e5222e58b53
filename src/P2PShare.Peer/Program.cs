using P2PShare.Protocol.Text;
using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Discovery;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Discovery;

var port = new Option<int>("--port", "-p") { Description = "TCP port to serve pieces on (0: any free port).", DefaultValueFactory = _ => 0, Recursive = true };
var repo = new Option<string?>("--repo", "-r") { Description = "Folder to share from and download into. Default: `get` saves into the current folder (sharing only the file it fetches); the command loop and `serve` share $XDG_DATA_HOME/p2pshare/shared, else ~/.local/share/p2pshare/shared.", Recursive = true };
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
var holderWait = new Option<double>("--holder-wait") { Description = "Seconds a download goes on while no holder is reachable (lost holders are dialled again meanwhile) before it fails and names the missing pieces.", DefaultValueFactory = _ => new PeerOptions().HolderWait.TotalSeconds, Recursive = true };
var maxHolderConnections = new Option<int>("--max-holder-connections") { Description = "Most holders one download is connected to (or dialling) at once; more are dialled as others drop.", DefaultValueFactory = _ => new PeerOptions().MaxHolderConnections, Recursive = true };
holderWait.Validators.Add(r =>
{
    if (r.GetValueOrDefault<double>() is not (>= 0.1 and <= 86400))
        r.AddError($"--holder-wait {r.GetValueOrDefault<double>()} is not a wait in seconds from 0.1 to 86400 (a day)");
});
maxHolderConnections.Validators.Add(r =>
{
    if (r.GetValueOrDefault<int>() is < 1 or > 10_000)
        r.AddError($"--max-holder-connections {r.GetValueOrDefault<int>()} is not from 1 to 10000");
});
// Test only (the swarm benchmark's slow seeder): hidden from help and the README's option table.
var testOnlyServeMbps = new Option<double>("--test-only-serve-mbps") { Description = "TEST ONLY: serve at most this many MB/s.", Hidden = true, Recursive = true };
port.Validators.Add(r =>
{
    if (Parsed(r, out int value) && value is < 0 or > IPEndPoint.MaxPort)
        r.AddError($"--port {value} is not a port: give 1-{IPEndPoint.MaxPort}, or 0 for any free port");
});
discoveryPort.Validators.Add(r =>
{
    if (Parsed(r, out int value) && value is < 1 or > IPEndPoint.MaxPort)
        r.AddError($"--discovery-port {value} is not a port (1-{IPEndPoint.MaxPort})");
});
pieceLength.Validators.Add(r =>
{
    if (Parsed(r, out int? value) && value is int length && (length < 1 || length > ProtocolLimits.Default.MaxPieceLength))
        r.AddError($"--piece-length {length} is not a piece length: give 1 to {ProtocolLimits.Default.MaxPieceLength} bytes");
});
repo.Validators.Add(r =>
{
    // Caught here, before a port is bound: a file where the folder should be is a typo, not a disk fault.
    if (!Parsed(r, out string? value) || value is not { } path)
        return;
    if (string.IsNullOrWhiteSpace(path))
        r.AddError("--repo is empty: give the folder to share and download into");
    else if (File.Exists(path))
        r.AddError($"--repo {path} is a file, not a folder: give the folder to share and download into");
});
var file = new Argument<string>("file") { Description = "The file's name, or at least 6 hex digits of its id." };

var serve = new Command("serve", "Join the tracker and share the repository until Ctrl+C (a headless seeder). e.g. serve --port 12666");
var get = new Command("get", "Download one file, print a summary, exit 0 once it is complete and verified. e.g. get big.bin --tracker 192.168.1.20:12500") { file };
var discover = new Command("discover", "Look for a tracker every way (broadcast, mDNS, a /24 sweep) on every interface, print what each way sent and got, and exit 0 when one answered. e.g. discover");
var root = new RootCommand("P2PShare peer: share a folder with the LAN and download files from every peer that has them. With no command: an interactive command loop.\n\n"
    + CommandLoop.HelpText() + "\n\nExample: dotnet run --project src/P2PShare.Peer -- --port 12666, then type `start`.")
{
    port, repo, tracker, bind, logLevel, pieceLength, discoveryTarget, discoveryPort, noDiscovery, secret, secretFile, reconnectDelay, reconnectMaxDelay,
    holderWait, maxHolderConnections,
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
    var (firstWait, longestWait) = ReconnectDelays(parse);
    var shared = Secret(parse);
    // A plain `get` saves into the current folder, as wget and curl -O do, and shares nothing else from it.
    bool getHere = parse.CommandResult.Command == get && parse.GetValue(repo) is null;
    return new PeerOptions
    {
        Port = parse.GetValue(port),
        RepositoryPath = getHere ? Environment.CurrentDirectory : parse.GetValue(repo),
        ShareFolderContents = !getHere,
        DefaultTracker = parse.GetValue(tracker) ?? new PeerOptions().DefaultTracker,
        BindAddress = bindAddress,
        PieceLength = parse.GetValue(pieceLength),
        Secret = shared,
        // A configured --tracker wins over discovery, as a typed address does.
        Discovery = parse.GetValue(tracker) is not null || parse.GetValue(noDiscovery) ? null : new DiscoveryOptions { Target = targetAddress, Port = parse.GetValue(discoveryPort), Secret = shared },
        ReconnectInitialDelay = firstWait,
        ReconnectMaxDelay = longestWait,
        HolderWait = TimeSpan.FromSeconds(parse.GetValue(holderWait)),
        MaxHolderConnections = parse.GetValue(maxHolderConnections),
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
    // Only a --log-level actually given shows the warnings the user is also told in words.
    LogLevel? level = parse.GetResult(logLevel) is { Implicit: false } ? parse.GetValue(logLevel) : null;
    return await PeerProgram.RunAsync(options, level, mode, name, ct);
}

root.SetAction((parse, ct) => Run(parse, PeerMode.Interactive, null, ct));
serve.SetAction((parse, ct) => Run(parse, PeerMode.Serve, null, ct));
get.SetAction((parse, ct) => Run(parse, PeerMode.Get, parse.GetValue(file), ct));
discover.SetAction((parse, ct) => Run(parse, PeerMode.Discover, null, ct));

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // The mistake first and alone, then where to look: not fifty lines of help burying the one that matters.
    // Only the first: the others mostly follow from it ("--prot 12666" makes 12666 a stray argument too).
    await Console.Error.WriteLineAsync($"error: {PlainError(parsed.Errors[0].Message)}");
    await Console.Error.WriteLineAsync("Run with --help to see the commands and options.");
    return 2;
}
// Ctrl+C is the peer's own (PeerProgram): it interrupts the command running rather than the whole program.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

// A value that did not parse ("--port abc") is already an error of its own; a validator must not throw on it.
static bool Parsed<T>(System.CommandLine.Parsing.OptionResult result, out T value)
{
    try
    {
        value = result.GetValueOrDefault<T>();
        return true;
    }
    catch (InvalidOperationException)
    {
        value = default!;
        return false;
    }
}

// System.CommandLine names .NET types ("as expected type 'System.Int32'"); a person reads "a whole number".
static string PlainError(string message)
{
    var match = System.Text.RegularExpressions.Regex.Match(message, @"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\.$");
    if (!match.Success)
        return TerminalText.Escape(message);
    string kind = match.Groups[3].Value switch
    {
        "System.Int32" or "System.Nullable`1[System.Int32]" => "a whole number",
        "System.Double" => "a number",
        "Microsoft.Extensions.Logging.LogLevel" => "one of Trace, Debug, Information, Warning, Error, None",
        _ => "a valid value",
    };
    return TerminalText.Escape($"{match.Groups[2].Value} '{match.Groups[1].Value}' is not {kind}");
}
