using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

/// <summary>A typed line is parsed as the loop's commands, not as program arguments: no response files, no --help, no directives.</summary>
public sealed class LoopParsingTests
{
    private static async Task<(bool GoOn, string Written)> ExecuteAsync(string line)
    {
        var written = new StringWriter();
        await using var node = new PeerNode(new PeerOptions(), NullLoggerFactory.Instance);
        var loop = new CommandLoop(node, new StringReader(""), new UserOutput(written), prompt: false);
        bool goOn = await loop.ExecuteAsync(line, CancellationToken.None);
        return (goOn, written.ToString());
    }

    [Fact]
    public async Task An_at_sign_is_part_of_a_word_not_a_file_to_read_arguments_from()
    {
        string file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "list status");

            var (_, written) = await ExecuteAsync($"help @{file}");

            Assert.StartsWith($"error: '@{file}' is not a command.", written, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("help --help")]
    [InlineData("help -h")]
    [InlineData("help --version")]
    public async Task Program_options_are_not_commands_of_the_loop(string line)
    {
        var (_, written) = await ExecuteAsync(line);

        Assert.StartsWith($"error: '{line[5..]}' is not a command.", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directive_is_not_a_command() =>
        Assert.StartsWith("error: '[diagram]' is not a command.", (await ExecuteAsync("[diagram] list")).Written, StringComparison.Ordinal);

    [Theory]
    [InlineData("end")]
    [InlineData("QUIT")]
    [InlineData("exit now please")]
    public async Task End_and_its_aliases_leave_whatever_follows_them(string line)
    {
        var (goOn, written) = await ExecuteAsync(line);

        Assert.False(goOn);
        Assert.Equal("Leaving the network. Bye.\n", written.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Help_for_an_alias_is_help_for_its_command() =>
        Assert.Equal(CommandLoop.HelpText("end") + "\n", (await ExecuteAsync("? quit")).Written.ReplaceLineEndings("\n"));
}
