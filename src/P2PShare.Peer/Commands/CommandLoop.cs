using System.CommandLine;
using System.Globalization;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>
/// The interactive peer: reads commands a line at a time (from a terminal or a pipe), runs them,
/// and answers in plain words. End of input waits for the downloads under way, then acts like
/// <c>end</c>, so <c>printf 'start\nrequest big.bin\n' | peer</c> does download the file.
/// </summary>
public sealed partial class CommandLoop
{
    private readonly PeerNode _node;
    private readonly TextReader _input;
    private readonly UserOutput _output;
    private readonly bool _prompt;
    private readonly CommandInterrupts? _interrupts;
    private int _failed;

    // Response files (@notes.txt) and option bundling are for program arguments; a typed line is taken as it is (LoopParsingTests).
    private static readonly ParserConfiguration Words = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    private readonly RootCommand _commands;
    private (List<string> Words, string Line, bool OpenQuote) _current = ([], "", false);
    private bool _leaving;

    /// <summary>The commands, with usage, description, aliases and examples (shown by <c>help</c>; the README's table lists the same).</summary>
    public static IReadOnlyList<LoopCommand> Commands { get; } = [.. Define(null).Subcommands.Cast<LoopCommand>()];

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
        _commands = Define(this);
        _node.DownloadFinished += result =>
        {
            if (result.Outcome == DownloadOutcome.Failed)
                Interlocked.Increment(ref _failed);
            _output.WriteLine(Report.Result(result));
        };
        _node.FolderFinished += result =>
        {
            if (result.Outcome == DownloadOutcome.Failed)
                Interlocked.Increment(ref _failed);
            _output.WriteLine(FolderText.Summary(result, "`request` the folder again to continue"));
        };
        _node.Notice += NoticeText.SayTo(_output.WriteLine);
    }

    /// <summary>The current rate of each download, shared with whatever else shows progress.</summary>
    public ProgressRates Rates { get; } = new();

    /// <summary>
    /// The exit code: 130 after Ctrl+C at the prompt or in the wait for piped downloads, 1 once a download or a
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
                if (!cancellationToken.IsCancellationRequested)
                    Volatile.Write(ref _interrupted, true); // Ctrl+C at the prompt: exit 130, as a shell expects after SIGINT
                _output.CommitInput(); // the prompt stays above "Bye." and is not drawn again below it
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
        if (Find(words[0]) is not { } command)
        {
            Fail(NotACommand(words[0]));
            return true;
        }
        var parse = _commands.Parse([command.Name, .. words.Skip(1)], Words);
        if (parse.Errors.Count > 0)
        {
            Fail(words.Count - 1 < command.Arguments.Sum(a => a.Arity.MinimumNumberOfValues) && command.Missing is { } missing ? missing
                : $"`{command.Name}` takes {(command.MostArguments == 0 ? "no arguments" : $"at most {command.MostArguments} argument")}; usage: {command.Usage}");
            return true;
        }
        _current = (words, line, quoted is null);
        // Ctrl+C cancels this command only; cancellationToken is the whole program's.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _interrupts?.Begin(running);
        try
        {
            await parse.InvokeAsync(Invocation, running.Token);
            return !_leaving;
        }
        catch (PeerCommandException e)
        {
            Fail(FailureText.Of(e));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            _output.WriteLine(command.Name == "wait"
                ? "Stopped waiting; the downloads go on (`status` shows them, `stop` stops them)."
                : $"Interrupted `{command.Name}`.");
        }
        finally
        {
            _interrupts?.End(running);
        }
        return true;
    }

    // Exceptions reach ExecuteAsync, and Ctrl+C is the loop's own (CommandInterrupts).
    private static readonly InvocationConfiguration Invocation = new() { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };

    // A refused command makes the exit code 1: a script piping commands must see it.
    private void Fail(string message)
    {
        Interlocked.Increment(ref _failed);
        _output.WriteLine($"error: {message}");
    }

    private static string NotACommand(string typed) => $"'{Echoed(typed)}' is not a command." + (Nearest(typed) is { } near ? $" Did you mean `{near}`?" : "") + " Type `help` for the list.";

    // A pasted megabyte must not come back whole in the error line: a start, and how long it was.
    private const int MostEchoed = 60;

    private static string Echoed(string typed) =>
        typed.Length <= MostEchoed ? typed : string.Create(CultureInfo.InvariantCulture, $"{typed[..MostEchoed]}…({typed.Length:N0} characters)");

    private async Task EndAsync()
    {
        var stopped = await _node.StopDownloadsAsync();
        _output.WriteLine(stopped.Count == 0 ? "Leaving the network. Bye." : $"Stopped {Report.Plural(stopped.Count, "download")}; verified pieces are kept. Leaving the network. Bye.");
    }

    /// <summary>The help text: every command with what it does and an example.</summary>
    public static string HelpText() => CommandHelp.Text(Commands);

    /// <summary>Everything about one command, or null when <paramref name="name"/> is none.</summary>
    public static string? HelpText(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Find(name) is { } command ? CommandHelp.Text(command) : null;
    }

    private static LoopCommand? Find(string word)
    {
        word = word.ToLowerInvariant();
        return Commands.FirstOrDefault(c => c.Name == word || c.Aliases.Contains(word));
    }

    /// <summary>The command closest to a mistyped one, if any is close.</summary>
    public static string? Nearest(string typed)
    {
        ArgumentNullException.ThrowIfNull(typed);
        if (typed.Length > MostEchoed)
            return null; // far from every command, and the distance table would be huge
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
