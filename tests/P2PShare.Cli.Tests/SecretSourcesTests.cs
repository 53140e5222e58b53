using P2PShare.Cli;
using P2PShare.Protocol.Auth;

namespace P2PShare.Cli.Tests;

public sealed class SecretSourcesTests
{
    private static readonly byte[] Nonce = new byte[32];

    private static bool Same(SharedSecret? a, string expected) =>
        a is not null && a.Verify(new SharedSecret(expected).Prove(AuthDirection.Client, "peer", 1, Nonce, Nonce), AuthDirection.Client, "peer", 1, Nonce, Nonce);

    [Fact]
    public void Nothing_given_means_an_open_network() => Assert.Null(SecretSources.Resolve(null, null, null));

    [Fact]
    public void An_empty_environment_variable_means_an_open_network() => Assert.Null(SecretSources.Resolve(null, null, ""));

    [Fact]
    public void The_environment_is_used_when_the_command_line_is_silent() =>
        Assert.True(Same(SecretSources.Resolve(null, null, "from-the-environment"), "from-the-environment"));

    [Fact]
    public void A_key_file_wins_over_the_environment_and_loses_its_final_newline() =>
        Assert.True(Same(SecretSources.Resolve(null, "from-the-file\n", "from-the-environment"), "from-the-file"));

    [Fact]
    public void The_option_wins_over_the_environment() =>
        Assert.True(Same(SecretSources.Resolve("from-the-option", null, "from-the-environment"), "from-the-option"));

    [Fact]
    public void Option_and_key_file_together_are_refused() =>
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => SecretSources.Resolve("a-long-secret", "another-secret", null)).Message, StringComparison.Ordinal);

    [Fact]
    public void An_empty_key_file_is_refused_naming_where_it_came_from() =>
        Assert.Contains("--secret-file", Assert.Throws<ArgumentException>(() => SecretSources.Resolve(null, "\n", null)).Message, StringComparison.Ordinal);
}
