using P2PShare.Protocol.Text;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

public sealed class TerminalTextTests
{
    [Theory]
    [InlineData("big.bin", "big.bin")]
    [InlineData("a\u001b[2Jb", @"a\e[2Jb")]
    [InlineData("bell\u0007", @"bell\u0007")]
    [InlineData("two\nlines\r", @"two\nlines\r")]
    [InlineData("c1\u009b31m", @"c1\u009B31m")]
    [InlineData("evil\u202Etxt.exe", @"evil\u202Etxt.exe")]
    [InlineData("写真.jpg", "写真.jpg")]
    public void Control_characters_become_visible_escapes(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Escape(text));

    [Fact]
    public async Task A_typed_or_piped_line_full_of_escape_codes_is_echoed_harmless()
    {
        var written = new StringWriter();
        await using var node = new PeerNode(new PeerOptions(), NullLoggerFactory.Instance);
        var loop = new CommandLoop(node, new StringReader(""), new UserOutput(written), prompt: false);

        Assert.True(await loop.ExecuteAsync("help\u001b[2J\u001b]0;PWNED\u0007", CancellationToken.None));

        Assert.Equal(@"error: 'help\e[2J\e]0;PWNED\u0007' is not a command. Type `help` for the list." + "\n", written.ToString());
    }

    [Fact]
    public void Every_line_written_is_escaped_but_keeps_its_line_breaks()
    {
        var written = new StringWriter();
        var output = new UserOutput(written);

        output.WriteLine("Dropped peer 1.2.3.4:5 for 'x': \u001b]0;owned\u0007\nsecond line");
        output.WriteErrorLine("warn: \u001b[31mred");

        Assert.Equal("Dropped peer 1.2.3.4:5 for 'x': \\e]0;owned\\u0007\nsecond line\nwarn: \\e[31mred\n", written.ToString());
    }
}
