using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

public sealed class CommandWordsTests
{
    [Theory]
    [InlineData("request big.bin", new[] { "request", "big.bin" })]
    [InlineData("request \"holiday photos.zip\"", new[] { "request", "holiday photos.zip" })]
    [InlineData("request 'name with spaces'", new[] { "request", "name with spaces" })]
    [InlineData("  list   *.jpg ", new[] { "list", "*.jpg" })]
    [InlineData("request 'it\"s'", new[] { "request", "it\"s" })]
    public void Words_split_on_spaces_and_group_in_either_quote(string line, string[] expected) =>
        Assert.Equal(expected, CommandWords.Split(line));

    [Fact]
    public void A_quote_left_open_is_reported_not_guessed() => Assert.Null(CommandWords.Split("request Bob's file.txt"));
}
