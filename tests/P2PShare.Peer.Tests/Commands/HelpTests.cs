using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

public sealed partial class HelpTests
{
    [Fact]
    public void Every_command_has_a_description_and_an_example_that_starts_with_it()
    {
        foreach (var command in CommandLoop.Commands)
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), command.Name);
            Assert.NotEmpty(command.Examples);
            Assert.All(command.Examples, e => Assert.StartsWith(command.Name, e, StringComparison.Ordinal));
            Assert.Contains(command.Examples[0], CommandLoop.HelpText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Help_for_one_command_gives_its_examples_and_aliases()
    {
        string help = CommandLoop.HelpText("request")!;
        Assert.Contains("request \"holiday photos.zip\"", help, StringComparison.Ordinal);
        Assert.Contains("request_and_download", help, StringComparison.Ordinal);
        Assert.Equal(help, CommandLoop.HelpText("request_and_download"));
        Assert.Null(CommandLoop.HelpText("frobnicate"));
    }

    [Theory]
    [InlineData("help strat", "error: 'strat' is not a command. Did you mean `start`?")]
    [InlineData("lsit", "error: 'lsit' is not a command. Did you mean `list`?")]
    [InlineData("qiut", "error: 'qiut' is not a command. Did you mean `quit`?")]
    [InlineData("status now", "error: `status` takes no arguments; usage: status")]
    [InlineData("list", "error: not joined to a tracker yet: type `start` first")]
    [InlineData("request", "error: request needs a file name or id")]
    public async Task Mistakes_get_a_plain_answer_naming_what_was_wrong(string line, string expected)
    {
        var written = new StringWriter();
        await using var node = new PeerNode(new PeerOptions(), NullLoggerFactory.Instance);
        var loop = new CommandLoop(node, new StringReader(""), new UserOutput(written), prompt: false);

        Assert.True(await loop.ExecuteAsync(line, CancellationToken.None));

        Assert.StartsWith(expected, written.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_command_table_lists_the_same_commands_as_help()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int table = readme.IndexOf("| command | what it does |", StringComparison.Ordinal);
        Assert.True(table >= 0, "README.md has no command table");
        var documented = readme[table..].Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => TableCommand().Match(l).Groups[1].Value).ToList();

        Assert.Equal(CommandLoop.Commands.Select(c => c.Usage), documented);
    }

    [Fact]
    public void The_readme_command_table_gives_the_same_aliases_as_help()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        int table = readme.IndexOf("| command | what it does |", StringComparison.Ordinal);
        var documented = readme[table..].Split('\n').Skip(2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => TableAliases().Match(l) is { Success: true } m ? m.Groups[1].Value.Replace("`", "", StringComparison.Ordinal) : "").ToList();

        Assert.Equal(CommandLoop.Commands.Select(c => string.Join(", ", c.Aliases)), documented);
    }

    [Fact]
    public void Help_for_one_command_ends_its_description_with_one_period() =>
        Assert.All(CommandLoop.Commands, c => Assert.DoesNotContain("..", CommandLoop.HelpText(c.Name), StringComparison.Ordinal));

    [Fact]
    public void Help_for_status_says_a_download_can_be_stalled_as_the_readme_does() =>
        Assert.Contains("stalled", CommandLoop.HelpText("status"), StringComparison.Ordinal);

    [Fact]
    public async Task A_huge_unknown_command_is_echoed_cut_short_with_its_length()
    {
        var written = new StringWriter();
        await using var node = new PeerNode(new PeerOptions(), NullLoggerFactory.Instance);
        var loop = new CommandLoop(node, new StringReader(""), new UserOutput(written), prompt: false);

        Assert.True(await loop.ExecuteAsync(new string('x', 1_000_000), CancellationToken.None));

        Assert.Equal($"error: '{new string('x', 60)}…(1,000,000 characters)' is not a command. Type `help` for the list.\n", written.ToString().ReplaceLineEndings("\n"));
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "P2PShare.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("P2PShare.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\(also: ([^)]*)\) \|$")]
    private static partial Regex TableAliases();

    [GeneratedRegex(@"^\| `([^`]+)`")]
    private static partial Regex TableCommand();
}
