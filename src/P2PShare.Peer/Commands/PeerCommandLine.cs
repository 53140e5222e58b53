using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using P2PShare.Cli;
using P2PShare.Peer.Discovery;
using P2PShare.Protocol;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Peer.Commands;

/// <summary>The peer's command line: its options, checked as they parse, and one action per mode (the command loop, serve, get, discover).</summary>
public static class PeerCommandLine
{
    private const double Day = 86400;

    /// <summary>The root command, ready to parse and run; <paramref name="parts"/> (a test host's) replace or wrap parts of every peer it starts.</summary>
    public static RootCommand Create(PeerParts? parts = null)
    {
        var defaults = new PeerOptions();
        var port = new Option<int>("--port", "-p") { Description = "TCP port to serve pieces on (0: any free port).", DefaultValueFactory = _ => 0, Recursive = true }
            .AcceptPort(zeroForAnyFreePort: true);
        var repo = new Option<string?>("--repo", "-r") { Description = "Folder to share from and download into. Default: `get` saves into the current folder (sharing only the file it fetches); the command loop and `serve` share $XDG_DATA_HOME/p2pshare/shared, else ~/.local/share/p2pshare/shared.", Recursive = true }
            .Check(RepoProblem);
        var tracker = new Option<string?>("--tracker", "-t") { Description = "Tracker address HOST:PORT for `start` with no address, `serve` and `get`; given, it wins over discovery (default: the tracker discovery finds, else 127.0.0.1:12500).", Recursive = true };
        var bind = new Option<string>("--bind") { Description = "Address to serve pieces on.", DefaultValueFactory = _ => "0.0.0.0", Recursive = true }
            .AcceptIpAddress();
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Diagnostics on stderr: Trace, Debug, Information, Warning, Error, None.", DefaultValueFactory = _ => LogLevel.Warning, Recursive = true };
        var pieceLength = new Option<int?>("--piece-length") { Description = "Piece length in bytes for files we share (default: chosen by file size).", Recursive = true }
            .Check(value => value is int length && (length < 1 || length > ProtocolLimits.Default.MaxPieceLength)
                ? $"--piece-length {length} is not a piece length: give 1 to {ProtocolLimits.Default.MaxPieceLength} bytes" : null);
        var discoveryTarget = new Option<string?>("--discovery-target") { Description = "The one address `start` with no address (and no --tracker) asks for a tracker over UDP (default: broadcast and mDNS on every interface, then a sweep of each /24).", Recursive = true }
            .AcceptIpAddress();
        var discoveryPort = new Option<int>("--discovery-port") { Description = "The UDP port trackers answer discovery on.", DefaultValueFactory = _ => DiscoveryCodec.DefaultPort, Recursive = true }
            .AcceptPort(zeroForAnyFreePort: false);
        var noDiscovery = new Option<bool>("--no-discovery") { Description = "Do not look for a tracker; `start` with no address goes to --tracker or 127.0.0.1:12500.", Recursive = true };
        var secret = new SecretOptions("The network's shared secret");
        var reconnectDelay = new Option<double>("--reconnect-delay") { Description = "Seconds before the first attempt to reconnect to a lost tracker; the wait doubles (with jitter) after each failed attempt.", DefaultValueFactory = _ => defaults.ReconnectInitialDelay.TotalSeconds, Recursive = true }
            .Check(value => WaitProblem("--reconnect-delay", value, 0.01));
        var reconnectMaxDelay = new Option<double>("--reconnect-max-delay") { Description = "Longest wait, in seconds, between attempts to reconnect to a lost tracker.", DefaultValueFactory = _ => defaults.ReconnectMaxDelay.TotalSeconds, Recursive = true };
        var holderWait = new Option<double>("--holder-wait") { Description = "Seconds a download goes on while no holder is reachable (lost holders are dialled again meanwhile) before it fails and names the missing pieces.", DefaultValueFactory = _ => defaults.HolderWait.TotalSeconds, Recursive = true }
            .Check(value => WaitProblem("--holder-wait", value, 0.1));
        var maxHolderConnections = new Option<int>("--max-holder-connections") { Description = "Most holders one download is connected to (or dialling) at once; more are dialled as others drop.", DefaultValueFactory = _ => defaults.MaxHolderConnections, Recursive = true }
            .Check(value => value is < 1 or > 10_000 ? $"--max-holder-connections {value} is not from 1 to 10000" : null);
        var seedFor = new Option<double>("--seed-for") { Description = "After the file (or every file of the folder) is complete, go on serving it to the other downloaders until none is fetching from this peer (5 s without a connection) or this many seconds pass; 0: exit at once.", DefaultValueFactory = _ => PeerProgram.DefaultSeedFor.TotalSeconds }
            .Check(value => value is >= 0 and <= Day ? null : $"--seed-for {value} is not a number of seconds from 0 to {Day} (a day)");
        var file = new Argument<string>("file") { Description = "The file's name (photos/2025/beach.jpg), at least 6 hex digits of its id, or a folder ending in / (photos/): every file under it." };

        var serve = new Command("serve", "Join the tracker and share the repository until Ctrl+C (a headless seeder). e.g. serve --port 12666");
        var get = new Command("get", "Download one file, or every file of a folder (a name ending in /), print a summary, exit 0 once every file is complete and verified. e.g. get big.bin --tracker 192.168.1.20:12500, get photos/") { file, seedFor };
        var discover = new Command("discover", "Look for a tracker every way (broadcast, mDNS, a /24 sweep) on every interface, print what each way sent and got, and exit 0 when one answered. e.g. discover");
        var root = new RootCommand("P2PShare peer: share a folder with the LAN and download files from every peer that has them. With no command: an interactive command loop.\n\n"
            + CommandLoop.HelpText() + "\n\nExample: dotnet run --project src/P2PShare.Peer -- --port 12666, then type `start`.")
        {
            port, repo, tracker, bind, logLevel, pieceLength, discoveryTarget, discoveryPort, noDiscovery, secret.Secret, secret.File, reconnectDelay, reconnectMaxDelay,
            holderWait, maxHolderConnections, serve, get, discover,
        };
        // Checked against --reconnect-delay, so on the commands rather than the option: it holds whichever was left at its default too.
        // Each command checks it: System.CommandLine validates only the command given, not its parents.
        foreach (var command in new Command[] { root, serve, get, discover })
        {
            command.Validators.Add(result =>
            {
                if (result.TryGetValue(reconnectDelay, defaults.ReconnectInitialDelay.TotalSeconds, out double first)
                    && result.TryGetValue(reconnectMaxDelay, defaults.ReconnectMaxDelay.TotalSeconds, out double longest)
                    && WaitProblem("--reconnect-delay", first, 0.01) is null && !(longest >= first && longest <= Day))
                    result.AddError($"--reconnect-max-delay {longest} must be at least --reconnect-delay ({first}) and at most {Day} seconds (a day)");
            });
        }

        PeerOptions Options(ParseResult parse)
        {
            var shared = secret.Read(parse);
            var target = parse.GetValue(discoveryTarget);
            // A plain `get` saves into the current folder, as wget and curl -O do, and shares nothing else from it.
            bool getHere = parse.CommandResult.Command == get && parse.GetValue(repo) is null;
            return new PeerOptions
            {
                Port = parse.GetValue(port),
                RepositoryPath = getHere ? Environment.CurrentDirectory : parse.GetValue(repo),
                ShareFolderContents = !getHere,
                DefaultTracker = parse.GetValue(tracker) ?? defaults.DefaultTracker,
                BindAddress = IPAddress.Parse(parse.GetValue(bind)!),
                PieceLength = parse.GetValue(pieceLength),
                Secret = shared,
                // A configured --tracker wins over discovery, as a typed address does.
                Discovery = parse.GetValue(tracker) is not null || parse.GetValue(noDiscovery) ? null
                    : new DiscoveryOptions { Target = target is null ? null : IPAddress.Parse(target), Port = parse.GetValue(discoveryPort), Secret = shared },
                ReconnectInitialDelay = TimeSpan.FromSeconds(parse.GetValue(reconnectDelay)),
                ReconnectMaxDelay = TimeSpan.FromSeconds(parse.GetValue(reconnectMaxDelay)),
                HolderWait = TimeSpan.FromSeconds(parse.GetValue(holderWait)),
                MaxHolderConnections = parse.GetValue(maxHolderConnections),
            };
        }

        // Only a --log-level actually given shows the warnings the user is also told in words.
        LogLevel? Level(ParseResult parse) => parse.GetResult(logLevel) is { Implicit: false } ? parse.GetValue(logLevel) : null;

        root.SetAction(ProgramRun.Guarded((parse, ct) => PeerProgram.InteractiveAsync(Options(parse), parts, Level(parse), ct)));
        serve.SetAction(ProgramRun.Guarded((parse, ct) => PeerProgram.ServeAsync(Options(parse), parts, Level(parse), ct)));
        get.SetAction(ProgramRun.Guarded((parse, ct) => PeerProgram.GetAsync(Options(parse), parts, Level(parse), parse.GetValue(file)!, TimeSpan.FromSeconds(parse.GetValue(seedFor)), ct)));
        discover.SetAction(ProgramRun.Guarded((parse, ct) => PeerProgram.DiscoverAsync(Options(parse), Level(parse), ct)));
        return root;
    }

    private static string? WaitProblem(string name, double seconds, double least) =>
        seconds >= least && seconds <= Day ? null : $"{name} {seconds} is not a wait in seconds from {least} to {Day} (a day)";

    // Caught here, before a port is bound: a file where the folder should be is a typo, not a disk fault.
    private static string? RepoProblem(string? path) =>
        path is null ? null
        : string.IsNullOrWhiteSpace(path) ? "--repo is empty: give the folder to share and download into"
        : File.Exists(path) ? $"--repo {path} is a file, not a folder: give the folder to share and download into"
        : null;
}
