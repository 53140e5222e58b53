using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Discovery;
using P2PShare.Tracker;
using P2PShare.Tracker.Discovery;

var port = new Option<int>("--port", "-p") { Description = "TCP port to listen on (0: any free port).", DefaultValueFactory = _ => TrackerOptions.DefaultPort };
var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0: every interface).", DefaultValueFactory = _ => IPAddress.Any.ToString() };
// Warning by default: what Information adds first (listening, discovery, stopping) the output already says in words.
var logLevel = new Option<LogLevel>("--log-level") { Description = "Diagnostics on stderr: Trace, Debug, Information (peers joining and leaving), Warning, Error, None.", DefaultValueFactory = _ => LogLevel.Warning };
var discoveryPort = new Option<int>("--discovery-port") { Description = "UDP port to answer peers looking for a tracker on (0: any free port).", DefaultValueFactory = _ => DiscoveryCodec.DefaultPort };
var noDiscovery = new Option<bool>("--no-discovery") { Description = "Do not answer discovery (neither UDP nor mDNS); peers must name this tracker." };
var noMdns = new Option<bool>("--no-mdns") { Description = "Do not advertise _p2pshare._tcp.local by multicast DNS on UDP 5353 (UDP discovery stays on)." };
var updateWait = new Option<double>("--update-wait") { Description = "Seconds an update waits for the other peers to re-report.", DefaultValueFactory = _ => 5 };
var secret = new Option<string?>("--secret") { Description = $"Shared secret every peer must prove (prefer --secret-file or {SecretSources.EnvironmentVariable}: this one shows in shell history and process lists)." };
var secretFile = new Option<FileInfo?>("--secret-file") { Description = "File holding the shared secret (surrounding whitespace ignored)." };
var maxClients = new Option<int>("--max-clients") { Description = "Connections served at once.", DefaultValueFactory = _ => new TrackerOptions().MaxClients };
var maxPerAddress = new Option<int>("--max-clients-per-address") { Description = "Connections served at once from one IP address.", DefaultValueFactory = _ => new TrackerOptions().MaxClientsPerAddress };
var maxFilesPerPeer = new Option<int>("--max-files-per-peer") { Description = "Files one peer may share through this tracker; more are refused (and the peer told).", DefaultValueFactory = _ => new TrackerOptions().MaxFilesPerPeer };

port.Validators.Add(r =>
{
    if (Parsed(r, out int value) && value is < 0 or > IPEndPoint.MaxPort)
        r.AddError($"--port {value} is not a port: give 1-{IPEndPoint.MaxPort}, or 0 for any free port");
});
host.Validators.Add(r =>
{
    if (Parsed(r, out string? value) && !IPAddress.TryParse(value, out _))
        r.AddError($"--host '{value}' is not an IP address");
});
discoveryPort.Validators.Add(r =>
{
    if (Parsed(r, out int value) && value is < 0 or > IPEndPoint.MaxPort)
        r.AddError($"--discovery-port {value} is not a port: give 1-{IPEndPoint.MaxPort}, or 0 for any free port");
});
updateWait.Validators.Add(r =>
{
    if (Parsed(r, out double value) && value is not (> 0 and <= 3600))
        r.AddError("--update-wait must be more than 0 and at most 3600 seconds");
});

foreach (var limit in new[] { maxClients, maxPerAddress, maxFilesPerPeer })
{
    limit.Validators.Add(r =>
    {
        if (Parsed(r, out int value) && value < 1)
            r.AddError($"{limit.Name} must be at least 1");
    });
}

var root = new RootCommand("P2PShare tracker: knows which peer on the LAN holds which file. Runs until Ctrl+C.")
{
    port, host, logLevel, updateWait, discoveryPort, noDiscovery, noMdns, secret, secretFile, maxClients, maxPerAddress, maxFilesPerPeer,
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
            MaxFilesPerPeer = parse.GetValue(maxFilesPerPeer),
        },
        parse.GetValue(logLevel), Console.Out, ct);
});

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // The mistake first and alone, then where to look: not a page of help burying the one line that matters.
    // Only the first: the others mostly follow from it ("--prot 12666" makes 12666 a stray argument too).
    await Console.Error.WriteLineAsync($"error: {PlainError(parsed.Errors[0].Message)}");
    await Console.Error.WriteLineAsync("Run with --help to see the options.");
    return 2;
}
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });

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
        return (message);
    string kind = match.Groups[3].Value switch
    {
        "System.Int32" or "System.Nullable`1[System.Int32]" => "a whole number",
        "System.Double" => "a number",
        "Microsoft.Extensions.Logging.LogLevel" => "one of Trace, Debug, Information, Warning, Error, None",
        _ => "a valid value",
    };
    return ($"{match.Groups[2].Value} '{match.Groups[1].Value}' is not {kind}");
}
