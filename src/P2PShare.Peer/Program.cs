using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Peer;
using P2PShare.Peer.Commands;

var port = new Option<int>("--port", "-p") { Description = "TCP port to serve pieces on (0: any free port). The repository defaults to repo_PORT.", DefaultValueFactory = _ => 0, Recursive = true };
var repo = new Option<string?>("--repo", "-r") { Description = "Repository folder to share from and download into (default: repo_PORT in the current folder).", Recursive = true };
var tracker = new Option<string?>("--tracker", "-t") { Description = "Tracker address HOST:PORT used by `start` with no address, `serve` and `get` (default 127.0.0.1:12500).", Recursive = true };
var bind = new Option<string>("--bind") { Description = "Address to serve pieces on.", DefaultValueFactory = _ => "0.0.0.0", Recursive = true };
var logLevel = new Option<LogLevel>("--log-level") { Description = "Diagnostics on stderr: Trace, Debug, Information, Warning, Error, None.", DefaultValueFactory = _ => LogLevel.Warning, Recursive = true };
var pieceLength = new Option<int?>("--piece-length") { Description = "Piece length in bytes for files we share (default: chosen by file size).", Recursive = true };
// Test only (the swarm benchmark's slow seeder): hidden from help and the README's option table.
var testOnlyServeMbps = new Option<double>("--test-only-serve-mbps") { Description = "TEST ONLY: serve at most this many MB/s.", Hidden = true, Recursive = true };
var file = new Argument<string>("file") { Description = "The file's name, or at least 6 hex digits of its id." };

var serve = new Command("serve", "Join the tracker and share the repository until Ctrl+C (a headless seeder).");
var get = new Command("get", "Download one file, print a summary, exit 0 once it is complete and verified.") { file };
var root = new RootCommand("P2PShare peer: share a folder with the LAN and download files from every peer that has them. With no command: an interactive command loop (type `help`).")
{
    port, repo, tracker, bind, logLevel, pieceLength, testOnlyServeMbps, serve, get,
};

PeerOptions Options(ParseResult parse)
{
    var address = parse.GetValue(bind)!;
    if (!IPAddress.TryParse(address, out var bindAddress))
        throw new PeerCommandException($"--bind '{address}' is not an IP address");
    return new PeerOptions
    {
        Port = parse.GetValue(port),
        RepositoryPath = parse.GetValue(repo),
        DefaultTracker = parse.GetValue(tracker) ?? new PeerOptions().DefaultTracker,
        BindAddress = bindAddress,
        PieceLength = parse.GetValue(pieceLength),
        TestOnlyServeBytesPerSecond = (long)(parse.GetValue(testOnlyServeMbps) * 1e6),
    };
}

root.SetAction((parse, ct) => PeerProgram.RunAsync(Options(parse), parse.GetValue(logLevel), PeerMode.Interactive, null, ct));
serve.SetAction((parse, ct) => PeerProgram.RunAsync(Options(parse), parse.GetValue(logLevel), PeerMode.Serve, null, ct));
get.SetAction((parse, ct) => PeerProgram.RunAsync(Options(parse), parse.GetValue(logLevel), PeerMode.Get, parse.GetValue(file), ct));

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(5) });
