using System.CommandLine;

namespace P2PShare.Cli.Tests;

public sealed class OptionChecksTests
{
    private static string? FirstError(Option option, params string[] args)
    {
        var errors = new RootCommand { option }.Parse(args).Errors;
        return errors.Count == 0 ? null : errors[0].Message;
    }

    [Theory]
    [InlineData("70000", "--port 70000 is not a port: give 1-65535, or 0 for any free port")]
    [InlineData("-1", "--port -1 is not a port: give 1-65535, or 0 for any free port")]
    [InlineData("0", null)]
    [InlineData("65535", null)]
    public void A_port_where_zero_means_any_free_port(string value, string? error) =>
        Assert.Equal(error, FirstError(new Option<int>("--port").AcceptPort(zeroForAnyFreePort: true), "--port", value));

    [Theory]
    [InlineData("0", "--discovery-port 0 is not a port (1-65535)")]
    [InlineData("1", null)]
    public void A_port_that_must_be_a_real_one(string value, string? error) =>
        Assert.Equal(error, FirstError(new Option<int>("--discovery-port").AcceptPort(zeroForAnyFreePort: false), "--discovery-port", value));

    [Theory]
    [InlineData("my-host", "--bind 'my-host' is not an IP address")]
    [InlineData("127.0.0.1", null)]
    [InlineData("::1", null)]
    public void An_ip_address(string value, string? error) =>
        Assert.Equal(error, FirstError(new Option<string>("--bind").AcceptIpAddress(), "--bind", value));

    [Fact]
    public void A_value_that_did_not_parse_gets_only_its_own_error_not_a_crash_in_the_check() =>
        Assert.Equal("Cannot parse argument 'abc' for option '--port' as expected type 'System.Int32'.",
            FirstError(new Option<int>("--port").Check(_ => "checked"), "--port", "abc"));

    [Fact]
    public void A_command_check_sees_the_fallback_for_an_option_not_given_and_false_for_one_that_did_not_parse()
    {
        var wait = new Option<double>("--wait");
        var root = new RootCommand { wait };
        var seen = new List<(bool, double)>();
        root.Validators.Add(result => seen.Add((result.TryGetValue(wait, 30, out double value), value)));

        root.Parse([]);
        root.Parse(["--wait", "5"]);
        root.Parse(["--wait", "soon"]);

        Assert.Equal([(true, 30), (true, 5), (false, 0)], seen);
    }
}
