using System.CommandLine;

namespace P2PShare.Cli.Tests;

public sealed class ProgramRunTests
{
    private static async Task<(int Code, string Errors)> RunAsync(RootCommand root, params string[] args)
    {
        var errors = new StringWriter();
        int code = await root.RunAsync(args, "Run with --help.", new InvocationConfiguration { Error = errors, Output = TextWriter.Null });
        return (code, errors.ToString().ReplaceLineEndings("\n"));
    }

    private static RootCommand Root(Option<int> port, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        var root = new RootCommand { port };
        root.SetAction(ProgramRun.Guarded(action));
        return root;
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_is_named_in_plain_words_then_one_line_pointing_to_help()
    {
        var (code, errors) = await RunAsync(Root(new Option<int>("--port"), (_, _) => Task.FromResult(0)), "--port", "abc");

        Assert.Equal(2, code);
        Assert.Equal("error: --port 'abc' is not a whole number\nRun with --help.\n", errors);
    }

    [Fact]
    public async Task Only_the_first_error_is_shown()
    {
        var (code, errors) = await RunAsync(Root(new Option<int>("--port"), (_, _) => Task.FromResult(0)), "--prot", "12666");

        Assert.Equal(2, code);
        Assert.Equal("error: Unrecognized command or argument '--prot'.\nRun with --help.\n", errors);
    }

    [Fact]
    public async Task A_value_that_cannot_be_used_is_one_line_and_exit_code_2_not_a_stack_trace()
    {
        var (code, errors) = await RunAsync(Root(new Option<int>("--port"), (_, _) => throw new CommandLineException("the secret file is unreadable")));

        Assert.Equal(2, code);
        Assert.Equal("error: the secret file is unreadable\n", errors);
    }

    [Fact]
    public async Task The_action_runs_and_its_exit_code_is_the_programs()
    {
        var port = new Option<int>("--port");
        var (code, errors) = await RunAsync(Root(port, (parse, _) => Task.FromResult(parse.GetValue(port))), "--port", "7");

        Assert.Equal(7, code);
        Assert.Equal("", errors);
    }

    [Fact]
    public void Control_characters_in_an_error_are_shown_as_escapes() =>
        Assert.Equal(@"Unrecognized command or argument '\e[2J'.", ProgramRun.PlainError("Unrecognized command or argument '\u001b[2J'."));

    private enum Loudness { Quiet, Loud }

    [Fact]
    public async Task A_value_not_among_an_options_choices_is_one_line_listing_them()
    {
        var loudness = new Option<Loudness>("--loudness");
        var root = new RootCommand { loudness };
        root.SetAction(ProgramRun.Guarded((_, _) => Task.FromResult(0)));

        var (code, errors) = await RunAsync(root, "--loudness", "Shouting");

        Assert.Equal(2, code);
        Assert.Equal("error: --loudness 'Shouting' is not one of Loud, Quiet\nRun with --help.\n", errors);
    }

    [Fact]
    public void An_error_of_several_lines_is_made_one() =>
        Assert.Equal("Something wrong. Try again", ProgramRun.PlainError("Something wrong.\nTry again"));
}
