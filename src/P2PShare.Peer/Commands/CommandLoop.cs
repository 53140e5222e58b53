using System.CommandLine.Parsing;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>
/// The interactive peer: reads commands a line at a time (from a terminal or a pipe), runs them,
/// and answers in plain words. End of input acts like <c>end</c>.
/// </summary>
public sealed class CommandLoop
{
    private readonly PeerNode _node;
    private readonly TextReader _input;
    private readonly UserOutput _output;
    private readonly bool _prompt;

    /// <summary>The commands, their usage and what they do (shown by <c>help</c>).</summary>
    public static IReadOnlyList<(string Name, string Usage, string Description)> Commands { get; } =
    [
        ("start", "start [HOST:PORT]", "join the tracker (default from --tracker), report our files, list the network's. e.g. start 127.0.0.1:12500"),
        ("update", "update", "rescan our folder, have every peer re-report, and list the network's files"),
        ("list", "list", "list the files in the network: size, holders, short id, whether we have it"),
        ("request", "request <file>", "download a file from every peer that has it; <file> is a name (quote it if it has spaces) or a short id. Also request_and_download. e.g. request \"holiday photos.zip\""),
        ("status", "status", "show each download under way: progress, rate, peers, pieces from each"),
        ("wait", "wait", "block until the downloads under way have ended"),
        ("stop", "stop", "stop the downloads under way and close their connections; verified pieces are kept, `request` continues them"),
        ("end", "end", "stop everything, leave the tracker, exit (also: exit, quit)"),
        ("help", "help", "show this list"),
    ];

    /// <summary>A loop over <paramref name="input"/>; <paramref name="prompt"/> shows "p2p> " before each command.</summary>
    public CommandLoop(PeerNode node, TextReader input, UserOutput output, bool prompt)
    {
        _node = node ?? throw new ArgumentNullException(nameof(node));
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _prompt = prompt;
        _node.DownloadFinished += result => _output.WriteLine(Report.Result(result));
        _node.Notice += _output.WriteLine;
    }

    /// <summary>Runs until <c>end</c>, end of input or cancellation. Returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        _output.WriteLine($"P2PShare peer serving {_node.ServingEndPoint} from {_node.Repository.Root} ({Report.Plural(_node.Repository.Files.Count, "file")}). Type `help` for commands.");
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_prompt)
                _output.Write("p2p> ");
            string? line;
            try
            {
                line = await _input.ReadLineAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (line is null)
                break;
            if (!await ExecuteAsync(line, cancellationToken))
                return 0;
        }
        await EndAsync();
        return 0;
    }

    /// <summary>Runs one command line; false when it was <c>end</c>.</summary>
    public async Task<bool> ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = CommandLineParser.SplitCommandLine(line).ToList();
        if (words.Count == 0)
            return true;
        string command = words[0].ToLowerInvariant();
        var args = words.Skip(1).ToList();
        try
        {
            switch (command)
            {
                case "start":
                    RequireArgs(command, args, 0, 1);
                    var files = await _node.JoinAsync(args.FirstOrDefault(), cancellationToken);
                    _output.WriteLine($"Joined the tracker at {_node.TrackerEndpoint}; sharing {Report.Plural(_node.Repository.Files.Count, "file")} from {_node.Repository.Root}.");
                    _output.WriteLine(Report.FileList(files, _node.Repository));
                    break;
                case "update":
                    RequireArgs(command, args, 0, 0);
                    _output.WriteLine(Report.FileList(await _node.UpdateAsync(cancellationToken), _node.Repository));
                    break;
                case "list":
                    RequireArgs(command, args, 0, 0);
                    _output.WriteLine(Report.FileList(await _node.ListAsync(cancellationToken), _node.Repository));
                    break;
                case "request" or "request_and_download" or "get" or "download":
                    if (args.Count != 1)
                        throw new PeerCommandException("request needs exactly one file name or id; quote a name with spaces, e.g. request \"my file.txt\"");
                    var download = await _node.RequestAsync(args[0], cancellationToken);
                    _output.WriteLine($"Downloading '{download.Session.Name}' ({Units.Bytes(download.Session.Length)}). `status` shows progress; `wait` waits for it.");
                    break;
                case "status":
                    RequireArgs(command, args, 0, 0);
                    var running = _node.Downloads;
                    _output.WriteLine(running.Count == 0
                        ? "No downloads under way."
                        : string.Join(Environment.NewLine, running.Select(d => Report.Progress(d.Session.GetProgress()))));
                    break;
                case "wait":
                    RequireArgs(command, args, 0, 0);
                    await _node.WaitForDownloadsAsync(cancellationToken);
                    _output.WriteLine("No downloads under way.");
                    break;
                case "stop":
                    RequireArgs(command, args, 0, 0);
                    var stopped = await _node.StopDownloadsAsync();
                    if (stopped.Count == 0)
                        _output.WriteLine("No downloads under way.");
                    break;
                case "end" or "exit" or "quit":
                    await EndAsync();
                    return false;
                case "help" or "?":
                    _output.WriteLine(HelpText());
                    break;
                default:
                    string? near = Nearest(command);
                    throw new PeerCommandException($"'{words[0]}' is not a command." + (near is null ? "" : $" Did you mean `{near}`?") + " Type `help` for the list.");
            }
        }
        catch (PeerCommandException e)
        {
            _output.WriteLine($"error: {e.Message}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        return true;
    }

    private async Task EndAsync()
    {
        var stopped = await _node.StopDownloadsAsync();
        _output.WriteLine(stopped.Count == 0 ? "Leaving the network. Bye." : $"Stopped {Report.Plural(stopped.Count, "download")}; verified pieces are kept. Leaving the network. Bye.");
    }

    private static void RequireArgs(string command, List<string> args, int min, int max)
    {
        if (args.Count < min || args.Count > max)
        {
            var usage = Commands.First(c => c.Name == command).Usage;
            throw new PeerCommandException($"`{command}` takes {(max == 0 ? "no arguments" : $"at most {max} argument")}; usage: {usage}");
        }
    }

    /// <summary>The help text: every command with what it does and an example.</summary>
    public static string HelpText() =>
        "Commands:" + Environment.NewLine +
        string.Join(Environment.NewLine, Commands.Select(c => $"  {c.Usage,-20} {c.Description}"));

    /// <summary>The command closest to a mistyped one, if any is close.</summary>
    public static string? Nearest(string typed)
    {
        ArgumentNullException.ThrowIfNull(typed);
        var best = Commands.Select(c => c.Name).Append("request_and_download")
            .Select(name => (name, distance: EditDistance(typed, name)))
            .OrderBy(x => x.distance)
            .First();
        return best.distance <= Math.Max(2, typed.Length / 3) ? best.name : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
