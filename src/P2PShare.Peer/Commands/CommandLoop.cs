using System.Globalization;
using System.Text;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>
/// The interactive peer: reads commands a line at a time (from a terminal or a pipe), runs them,
/// and answers in plain words. End of input waits for the downloads under way, then acts like
/// <c>end</c>, so <c>printf 'start\nrequest big.bin\n' | peer</c> does download the file.
/// </summary>
public sealed class CommandLoop
{
    private readonly PeerNode _node;
    private readonly TextReader _input;
    private readonly UserOutput _output;
    private readonly bool _prompt;
    private readonly CommandInterrupts? _interrupts;
    private int _failed;

    /// <summary>The commands: usage, what each does, and examples (shown by <c>help</c>; the README's table lists the same).</summary>
    public static IReadOnlyList<CommandHelp> Commands { get; } =
    [
        new("start", "start [HOST:PORT]",
            "join a tracker, report our files, and list the network's. With no address: the --tracker given, else the tracker that answers discovery on the LAN, else 127.0.0.1:12500.",
            ["start", "start 192.168.1.20:12500"]),
        new("discover", "discover",
            "look for a tracker every way (broadcast, mDNS and a /24 sweep on every interface) and show, per interface and method, what was sent, what came back and how long it took; when nothing did, the likely cause and what to type",
            ["discover"]),
        new("update", "update", "rescan our folder, have every peer re-report, and list the network's files", ["update"]),
        new("list", "list [PATTERN]",
            "every file in the network, or those matching PATTERN (a glob like *.jpg; no wildcard: names containing it): name, size, complete and partial holders, short id, and [local] when we have it",
            ["list", "list *.jpg"]),
        new("request", "request <file>",
            "download a file from every peer that has it at once; <file> is a name (quote it with \" or ' if it has spaces, or not, when the whole rest of the line is its name) or at least 6 hex digits of its id from `list`",
            ["request big.bin", "request \"holiday photos.zip\"", "request 3f2a9c1e"], ["request_and_download", "get", "download"]),
        new("status", "status", "each download under way: bar, percent, pieces, rate, peers in use, ETA, pieces from each peer", ["status"]),
        new("wait", "wait", "wait until the downloads under way have ended (Ctrl+C stops waiting; the downloads go on)", ["wait"]),
        new("stop", "stop", "stop the downloads under way and close their connections; verified pieces are kept, and `request` continues them", ["stop"]),
        new("end", "end", "stop everything, leave the tracker, exit", ["end"], ["exit", "quit"]),
        new("help", "help [COMMAND]", "the list of commands, or more about one", ["help", "help request"], ["?"]),
    ];

    /// <summary>A loop over <paramref name="input"/>; <paramref name="prompt"/> shows "p2p> " before each command.</summary>
    public CommandLoop(PeerNode node, TextReader input, UserOutput output, bool prompt)
        : this(node, input, output, prompt, null) { }

    /// <summary>As the other constructor; Ctrl+C reaches the loop through <paramref name="interrupts"/>.</summary>
    public CommandLoop(PeerNode node, TextReader input, UserOutput output, bool prompt, CommandInterrupts? interrupts)
    {
        _node = node ?? throw new ArgumentNullException(nameof(node));
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _prompt = prompt;
        _interrupts = interrupts;
        _node.DownloadFinished += result =>
        {
            if (result.Outcome == DownloadOutcome.Failed)
                Interlocked.Increment(ref _failed);
            _output.WriteLine(Report.Result(result));
        };
        _node.Notice += NoticeText.SayTo(_output.WriteLine);
    }

    /// <summary>The current rate of each download, shared with whatever else shows progress.</summary>
    public ProgressRates Rates { get; } = new();

    /// <summary>
    /// The exit code: 130 when Ctrl+C cut short the wait for piped downloads, 1 once a download or a
    /// command has failed (a script piping commands must see that its `request` was refused), else 0.
    /// </summary>
    public int ExitCode => Volatile.Read(ref _interrupted) ? 130 : Volatile.Read(ref _failed) > 0 ? 1 : 0;

    private bool _interrupted;

    /// <summary>
    /// Runs until <c>end</c>, end of input (after the downloads under way end), Ctrl+C at the prompt, or
    /// cancellation. Returns the exit code: non-zero when a download failed.
    /// </summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        _output.WriteLine($"P2PShare peer serving {_node.ServingEndPoint} from {_node.Repository.Root} ({Report.Plural(_node.Repository.Files.Count, "file")}). Type `help` for commands.");
        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _interrupts?.Leaving ?? CancellationToken.None);
        bool endOfInput = false;
        while (!leaving.IsCancellationRequested)
        {
            if (_prompt)
                _output.Write("p2p> ");
            string? line;
            try
            {
                // Console.In reads synchronously, even through ReadLineAsync, and cannot be cancelled: the read
                // runs on the pool, so Ctrl+C at the prompt can leave it behind rather than wait on it.
                var token = leaving.Token;
                line = await Task.Run(() => _input.ReadLineAsync(token).AsTask(), token).WaitAsync(token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (line is null)
            {
                endOfInput = true;
                break;
            }
            if (!await ExecuteAsync(line, cancellationToken))
                return ExitCode;
        }
        if (endOfInput)
            await FinishDownloadsAsync(leaving.Token);
        await EndAsync();
        return ExitCode;
    }

    // Piped commands end with their input; the downloads they started should not end with it.
    private async Task FinishDownloadsAsync(CancellationToken cancellationToken)
    {
        int running = _node.Downloads.Count;
        if (running == 0)
            return;
        _output.WriteLine($"End of input: waiting for the {Report.Plural(running, "download")} under way to end (Ctrl+C stops {(running == 1 ? "it" : "them")}, keeping the verified pieces).");
        try
        {
            await _node.WaitForDownloadsAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or the process stopping: EndAsync stops what is left.
            Volatile.Write(ref _interrupted, true);
        }
    }

    /// <summary>Runs one command line; false when it was <c>end</c>.</summary>
    public async Task<bool> ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        var quoted = CommandWords.Split(line);
        var words = quoted ?? [.. line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];
        if (words.Count == 0)
            return true;
        string command = words[0].ToLowerInvariant();
        var args = words.Skip(1).ToList();
        // Ctrl+C cancels this command only; cancellationToken is the whole program's.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _interrupts?.Begin(running);
        try
        {
            return await RunCommandAsync(command, words[0], args, line, quoted is null, running.Token);
        }
        catch (PeerCommandException e)
        {
            Interlocked.Increment(ref _failed);
            _output.WriteLine($"error: {FailureText.Of(e)}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            _output.WriteLine(command == "wait"
                ? "Stopped waiting; the downloads go on (`status` shows them, `stop` stops them)."
                : $"Interrupted `{command}`.");
        }
        finally
        {
            _interrupts?.End(running);
        }
        return true;
    }

    // False when the command was `end`.
    private async Task<bool> RunCommandAsync(string command, string typed, List<string> args, string line, bool openQuote, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case "start":
                RequireArgs(command, args, 0, 1);
                var files = await _node.LocateAndJoinAsync(args.FirstOrDefault(), LocationText.SayTo(_output.WriteLine), cancellationToken);
                _output.WriteLine($"Joined the tracker at {_node.TrackerEndpoint}; sharing {Report.Plural(_node.Repository.Files.Count, "file")} from {_node.Repository.Root}.");
                _output.WriteLine(Report.FileList(files, _node.Repository, null, Report.ShortListRows));
                break;
            case "discover":
                RequireArgs(command, args, 0, 0);
                _output.WriteLine(DiscoveryText.Report(await _node.DiscoverAsync(cancellationToken)));
                break;
            case "update":
                RequireArgs(command, args, 0, 0);
                _output.WriteLine(Report.FileList(await _node.UpdateAsync(cancellationToken), _node.Repository, null, Report.ShortListRows));
                break;
            case "list":
                RequireArgs(command, args, 0, 1);
                _output.WriteLine(Report.FileList(await _node.ListAsync(cancellationToken), _node.Repository, args.FirstOrDefault(), null));
                break;
            case "request" or "request_and_download" or "get" or "download":
                var download = await _node.RequestAsync(RequestedName(args, line, openQuote), cancellationToken);
                if (!download.AlreadyHere) // else the result says "Already have"
                    _output.WriteLine($"Downloading '{download.Session.Name}' ({Units.Bytes(download.Session.Length)}). `status` shows progress; `wait` waits for it.");
                _ = ResumeNotice.WatchAsync(download, _output.WriteLine);
                break;
            case "status":
                RequireArgs(command, args, 0, 0);
                var downloads = _node.Downloads;
                _output.WriteLine(downloads.Count == 0
                    ? "No downloads under way."
                    : string.Join(Environment.NewLine, downloads.Select(d => d.Session.GetProgress()).Select(p => Report.Progress(p, true, Rates.Observe(p)))));
                break;
            case "wait":
                RequireArgs(command, args, 0, 0);
                int waitingFor = _node.Downloads.Count;
                if (waitingFor > 0)
                    _output.WriteLine($"Waiting for {Report.Plural(waitingFor, "download")} under way (Ctrl+C stops waiting; the downloads go on).");
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
                RequireArgs("help", args, 0, 1);
                _output.WriteLine(args.Count == 0 ? HelpText() : HelpText(args[0])
                    ?? throw new PeerCommandException($"'{args[0]}' is not a command." + Suggestion(args[0]) + " Type `help` for the list."));
                break;
            default:
                throw new PeerCommandException($"'{typed}' is not a command." + Suggestion(command) + " Type `help` for the list.");
        }
        return true;
    }

    // One word (quoted with " or ' if it has spaces) is the name; several unquoted words, or a quote
    // left open (Bob's file.txt), are taken as one name: the rest of the line, as typed.
    private static string RequestedName(List<string> args, string line, bool openQuote)
    {
        if (args.Count == 0)
            throw new PeerCommandException("request needs a file name or id, e.g. request big.bin, or request \"my file.txt\" for a name with spaces");
        if (args.Count == 1 && !openQuote)
            return args[0];
        string trimmed = line.Trim();
        int space = trimmed.IndexOfAny([' ', '\t']);
        return trimmed[(space + 1)..].Trim();
    }

    private static string Suggestion(string typed) => Nearest(typed) is { } near ? $" Did you mean `{near}`?" : "";

    private async Task EndAsync()
    {
        var stopped = await _node.StopDownloadsAsync();
        _output.WriteLine(stopped.Count == 0 ? "Leaving the network. Bye." : $"Stopped {Report.Plural(stopped.Count, "download")}; verified pieces are kept. Leaving the network. Bye.");
    }

    private static void RequireArgs(string command, List<string> args, int min, int max)
    {
        if (args.Count < min || args.Count > max)
        {
            var usage = Find(command)!.Usage;
            throw new PeerCommandException($"`{command}` takes {(max == 0 ? "no arguments" : $"at most {max} argument")}; usage: {usage}");
        }
    }

    /// <summary>The help text: every command with what it does and an example.</summary>
    public static string HelpText()
    {
        var text = new StringBuilder("Commands (type `help COMMAND` for more about one):");
        foreach (var c in Commands)
        {
            string aliases = c.Aliases.Count == 0 ? "" : $" (also: {string.Join(", ", c.Aliases)})";
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {c.Usage,-18} {c.Description}{aliases}");
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {"",-18} e.g. {string.Join("   ", c.Examples)}");
        }
        return text.ToString();
    }

    /// <summary>Everything about one command, or null when <paramref name="name"/> is none.</summary>
    public static string? HelpText(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var c = Find(name.ToLowerInvariant());
        if (c is null)
            return null;
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{c.Usage}: {c.Description}.");
        if (c.Aliases.Count > 0)
            text.Append(CultureInfo.InvariantCulture, $" Also: {string.Join(", ", c.Aliases)}.");
        text.AppendLine().Append("Examples:");
        foreach (var example in c.Examples)
            text.AppendLine().Append("  ").Append(example);
        return text.ToString();
    }

    private static CommandHelp? Find(string word) => Commands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word));

    /// <summary>The command closest to a mistyped one, if any is close.</summary>
    public static string? Nearest(string typed)
    {
        ArgumentNullException.ThrowIfNull(typed);
        var best = Commands.SelectMany(c => c.Aliases.Prepend(c.Name)).Where(name => name.Length > 1)
            .Select(name => (name, distance: EditDistance(typed.ToLowerInvariant(), name)))
            .OrderBy(x => x.distance)
            .First();
        return best.distance <= Math.Max(2, typed.Length / 3) ? best.name : null;
    }

    // Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours ("qiut").
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
