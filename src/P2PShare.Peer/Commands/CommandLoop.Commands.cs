using System.CommandLine;
using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

public sealed partial class CommandLoop
{
    private const string Address = "HOST:PORT", Pattern = "PATTERN", File = "file", Topic = "COMMAND";

    // The loop's commands with their arguments, aliases and examples; with a loop, each does its work on it.
    // Without one (help, the README check) they only describe themselves.
    private static RootCommand Define(CommandLoop? loop)
    {
        LoopCommand Does(LoopCommand command, Func<CommandLoop, ParseResult, CancellationToken, Task> action)
        {
            if (loop is not null)
                command.SetAction((parse, cancellationToken) => action(loop, parse, cancellationToken));
            return command;
        }

        var root = new RootCommand("The command loop's commands.");
        // A line is only ever a command: `list --help` is not System.CommandLine's help page (LoopParsingTests).
        root.Options.Clear();
        LoopCommand[] commands =
        [
            Does(new("start",
                "join a tracker, report our files, and list the network's. With no address: the --tracker given, else the tracker that answers discovery on the LAN, else 127.0.0.1:12500.",
                ["start", "start 192.168.1.20:12500"]) { Optional(Address) }, (l, p, ct) => l.StartAsync(p.GetValue<string?>(Address), ct)),
            Does(new("discover",
                "look for a tracker every way (broadcast, mDNS and a /24 sweep on every interface) and show, per interface and method, what was sent, what came back and how long it took; when nothing did, the likely cause and what to type",
                ["discover"]), async (l, _, ct) => l._output.WriteLine(DiscoveryText.Report(await l._node.DiscoverAsync(ct)))),
            Does(new("update", "rescan our folder, have every peer re-report, and list the network's files", ["update"]),
                async (l, _, ct) => l._output.WriteLine(Report.FileList(await l._node.UpdateAsync(ct), l._node.Repository, null, Report.ShortListRows))),
            Does(new("list",
                "the network's files as a tree of folders: name, size, complete and partial holders, short id, [local] when we have it; a folder gives its total size, its file count and the fewest-most holders of any one of its files, and is opened while the list stays short (`list photos/` shows one). PATTERN is a folder (photos/) or a glob: * within a folder level, ** across levels, ? one character (*.jpg in any folder, photos/*.jpg, photos/**/*.jpg); no wildcard: names containing it; case ignored",
                ["list", "list photos/", "list *.jpg", "list photos/**/*.jpg"]) { Optional(Pattern) },
                async (l, p, ct) => l._output.WriteLine(await l.ListTextAsync(p.GetValue<string?>(Pattern), ct))),
            Does(new("request",
                "download a file from every peer that has it at once; <file> is a name (quote it with \" or ' if it has spaces, or not, when the whole rest of the line is its name), at least 6 hex digits of its id from `list`, or a folder ending in / (every file under it, a few at a time, with one progress line and a summary)",
                ["request big.bin", "request \"holiday photos.zip\"", "request 3f2a9c1e", "request photos/2025/"], "request_and_download", "get", "download")
            {
                Missing = "request needs a file name or id, e.g. request big.bin, or request \"my file.txt\" for a name with spaces",
                Arguments = { new Argument<string[]>(File) { Arity = ArgumentArity.OneOrMore } },
            }, (l, _, ct) => l.RequestAsync(ct)),
            Does(new("status", "each download under way: bar, percent, pieces, rate over the last seconds, peers in use, ETA (or \"stalled\" and why), pieces from each peer", ["status"]), (l, _, _) => l.Status()),
            Does(new("wait", "wait until the downloads under way have ended (Ctrl+C stops waiting; the downloads go on)", ["wait"]), (l, _, ct) => l.WaitAsync(ct)),
            Does(new("stop", "stop the downloads under way and close their connections; verified pieces are kept, and `request` continues them", ["stop"]),
                async (l, _, _) =>
                {
                    if ((await l._node.StopDownloadsAsync()).Count == 0)
                        l._output.WriteLine("No downloads under way.");
                }),
            // Words after `end` are ignored, as they always were: leaving must not fail.
            Does(new("end", "stop everything, leave the tracker, exit", ["end"], "exit", "quit")
            {
                Arguments = { new Argument<string[]>("ignored") { Arity = ArgumentArity.ZeroOrMore, Hidden = true } },
            }, (l, _, _) => l.LeaveAsync()),
            Does(new("help", "the list of commands, or more about one", ["help", "help request"], "?") { Optional(Topic) },
                (l, p, _) => l.Help(p.GetValue<string?>(Topic))),
        ];
        foreach (var command in commands)
            root.Add(command);
        return root;
    }

    private static Argument<string?> Optional(string name) => new(name) { Arity = ArgumentArity.ZeroOrOne };

    private async Task StartAsync(string? address, CancellationToken cancellationToken)
    {
        var files = await _node.LocateAndJoinAsync(address, LocationText.SayTo(_output.WriteLine), cancellationToken);
        _output.WriteLine($"Joined the tracker at {_node.TrackerEndpoint}; sharing {Report.Plural(_node.Repository.Files.Count, "file")} from {_node.Repository.Root}.");
        _output.WriteLine(Report.FileList(files, _node.Repository, null, Report.ShortListRows));
    }

    // `list photos/` asks the tracker for that folder alone (one page, not the whole network); a name
    // that is no folder lists, from the whole network, the files that contain it.
    private async Task<string> ListTextAsync(string? pattern, CancellationToken cancellationToken)
    {
        if (FileListText.FolderOf(pattern) is { } folder && await _node.ListAsync(cancellationToken, folder) is { Count: > 0 } inside)
            return Report.FileList(inside, _node.Repository, pattern, null);
        return Report.FileList(await _node.ListAsync(cancellationToken), _node.Repository, pattern, null);
    }

    private async Task RequestAsync(CancellationToken cancellationToken)
    {
        string asked = RequestedName();
        if (PeerNode.IsFolder(asked))
        {
            var folder = await _node.RequestFolderAsync(asked, cancellationToken);
            _output.WriteLine(FolderText.Starting(folder, null) + " `status` shows progress; `wait` waits for it.");
            return;
        }
        var download = await _node.RequestAsync(asked, cancellationToken);
        if (!download.AlreadyHere) // else the result says "Already have"
            _output.WriteLine($"Downloading '{download.Session.Name}' ({Units.Bytes(download.Session.Length)}). `status` shows progress; `wait` waits for it.");
        _ = ResumeNotice.WatchAsync(download, _output.WriteLine);
    }

    // One word (quoted with " or ' if it has spaces) is the name; several unquoted words, or a quote
    // left open (Bob's file.txt), are taken as one name: the rest of the line, as typed.
    private string RequestedName()
    {
        var (words, line, openQuote) = _current;
        if (words.Count == 2 && !openQuote)
            return words[1];
        string trimmed = line.Trim();
        int space = trimmed.IndexOfAny([' ', '\t']);
        return trimmed[(space + 1)..].Trim();
    }

    private Task Status()
    {
        var downloads = _node.Downloads;
        _output.WriteLine(downloads.Count == 0 && _node.Folders.Count == 0
            ? "No downloads under way."
            : string.Join(Environment.NewLine, _node.Progress().Select(p => Report.Progress(p, true, Rates.Observe(p)))));
        return Task.CompletedTask;
    }

    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        int waitingFor = _node.Progress().Count;
        if (waitingFor > 0)
            _output.WriteLine($"Waiting for {Report.Plural(waitingFor, "download")} under way (Ctrl+C stops waiting; the downloads go on).");
        await _node.WaitForDownloadsAsync(cancellationToken);
        _output.WriteLine("No downloads under way.");
    }

    private async Task LeaveAsync()
    {
        await EndAsync();
        _leaving = true;
    }

    private Task Help(string? topic)
    {
        if (topic is null)
            _output.WriteLine(HelpText());
        else if (HelpText(topic) is { } text)
            _output.WriteLine(text);
        else
            Fail(NotACommand(topic));
        return Task.CompletedTask;
    }
}
