using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

public sealed class CommandLoopTests
{
    [Theory]
    [InlineData("strat", "start")]
    [InlineData("reqest", "request")]
    [InlineData("staus", "status")]
    [InlineData("lst", "list")]
    public void Mistyped_command_suggests_the_nearest_one(string typed, string expected) =>
        Assert.Equal(expected, CommandLoop.Nearest(typed));

    [Fact]
    public void Gibberish_suggests_nothing() => Assert.Null(CommandLoop.Nearest("xyzzyplugh"));

    [Fact]
    public void Help_names_every_command_with_its_usage()
    {
        string help = CommandLoop.HelpText();
        foreach (var name in new[] { "start", "update", "list", "request", "status", "wait", "stop", "end", "help", "request_and_download" })
            Assert.Contains(name, help, StringComparison.Ordinal);
    }
}
