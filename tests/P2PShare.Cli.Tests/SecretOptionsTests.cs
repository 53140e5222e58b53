using System.CommandLine;
using P2PShare.Protocol.Auth;

namespace P2PShare.Cli.Tests;

public sealed class SecretOptionsTests : IDisposable
{
    private static readonly byte[] Nonce = new byte[32];
    private static readonly ChannelBinding Binding = new(Nonce, Nonce);
    private readonly string _folder = Directory.CreateTempSubdirectory("p2pshare-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SharedSecret? Read(SecretOptions secret, string? environment, params string[] args) =>
        secret.Read(new RootCommand { secret.Secret, secret.File }.Parse(args), environment);

    private static bool Same(SharedSecret? a, string expected) =>
        a is not null && a.Verify(new SharedSecret(expected).Prove(AuthDirection.Client, "peer", 1, Nonce, Nonce, Binding), AuthDirection.Client, "peer", 1, Nonce, Nonce, Binding);

    [Fact]
    public void The_file_is_read_and_its_final_newline_dropped()
    {
        string file = Path.Combine(_folder, "key");
        File.WriteAllText(file, "from-the-file\n");

        Assert.True(Same(Read(new SecretOptions("The secret"), "from-the-environment", "--secret-file", file), "from-the-file"));
    }

    [Fact]
    public void The_environment_is_read_when_no_option_is_given() =>
        Assert.True(Same(Read(new SecretOptions("The secret"), "from-the-environment"), "from-the-environment"));

    [Fact]
    public void A_file_that_cannot_be_read_is_a_command_line_error_naming_it()
    {
        string missing = Path.Combine(_folder, "no-such-key");

        var e = Assert.Throws<CommandLineException>(() => Read(new SecretOptions("The secret"), null, "--secret-file", missing));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_too_short_is_a_command_line_error_naming_where_it_came_from() =>
        Assert.Contains("the secret from --secret is unusable", Assert.Throws<CommandLineException>(() => Read(new SecretOptions("The secret"), null, "--secret", "short")).Message, StringComparison.Ordinal);

    [Fact]
    public void A_missing_secret_file_is_said_to_be_missing_not_access_denied()
    {
        string missing = Path.Combine(_folder, "no-such-key");

        Assert.Equal($"--secret-file {missing}: no such file", Assert.Throws<CommandLineException>(() => Read(new SecretOptions("The secret"), null, "--secret-file", missing)).Message);
    }

    [Fact]
    public void A_secret_file_in_a_missing_folder_is_said_to_be_missing()
    {
        string missing = Path.Combine(_folder, "no-such-folder", "key");

        Assert.StartsWith($"--secret-file {missing}: no such file", Assert.Throws<CommandLineException>(() => Read(new SecretOptions("The secret"), null, "--secret-file", missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_given_as_the_secret_file_is_said_to_be_a_folder() =>
        Assert.Equal($"--secret-file {_folder} is a folder, not a file", Assert.Throws<CommandLineException>(() => Read(new SecretOptions("The secret"), null, "--secret-file", _folder)).Message);

    [Fact]
    public void A_secret_too_short_is_told_without_the_dotnet_parameter_name() =>
        Assert.DoesNotContain("(Parameter", Assert.Throws<CommandLineException>(() => Read(new SecretOptions("The secret"), null, "--secret", "short")).Message, StringComparison.Ordinal);
}
