using Microsoft.Extensions.Logging;
using P2PShare.Peer.Commands;

namespace P2PShare.Peer.Tests.Commands;

public sealed class UserOutputTests
{
    private const int Width = 40;

    private static (UserOutput Output, StringWriter Written) Terminal()
    {
        var written = new StringWriter();
        return (new UserOutput(written, written, () => Width), written);
    }

    private static IReadOnlyList<string> Screen(StringWriter written) => VirtualScreen.Render(written.ToString(), Width);

    private static void TypeText(UserOutput output, string text)
    {
        foreach (char c in text)
            output.Type(c);
    }

    [Fact]
    public void Output_arriving_while_a_command_is_typed_goes_above_it_and_the_typed_text_survives()
    {
        var (output, written) = Terminal();
        output.WriteLine("P2PShare peer serving 0.0.0.0:12666");
        output.BeginInput("p2p> ");
        TypeText(output, "requ");

        output.WriteLine("Downloaded 'a.bin' (1.0 MiB)");
        output.WriteErrorLine("warn: P2PShare.Peer[211] tracker lost");
        TypeText(output, "est b");

        Assert.Equal(
            ["P2PShare peer serving 0.0.0.0:12666", "Downloaded 'a.bin' (1.0 MiB)", "warn: P2PShare.Peer[211] tracker lost", "p2p> request b"],
            Screen(written));
    }

    [Fact]
    public void Progress_lines_are_redrawn_in_place_above_the_prompt()
    {
        var (output, written) = Terminal();
        output.BeginInput("p2p> ");
        TypeText(output, "sta");

        output.SetStatus(["a.bin [##........] 20%"]);
        output.SetStatus(["a.bin [####......] 40%", "b.bin [#.........] 10%"]);
        output.Backspace();
        output.SetStatus(["a.bin [########..] 80%"]);

        Assert.Equal(["a.bin [########..] 80%", "p2p> st"], Screen(written));
    }

    [Fact]
    public void A_committed_line_stays_as_history_and_output_follows_it()
    {
        var (output, written) = Terminal();
        output.SetStatus(["a.bin [#.........] 10%"]);
        output.BeginInput("p2p> ");
        TypeText(output, "status");

        Assert.Equal("status", output.CommitInput());
        output.WriteLine("a.bin 10%");
        output.SetStatus([]);

        Assert.Equal(["p2p> status", "a.bin 10%"], Screen(written));
    }

    [Fact]
    public void A_typed_line_longer_than_the_terminal_is_erased_whole_when_output_arrives()
    {
        var (output, written) = Terminal();
        output.BeginInput("p2p> ");
        string longName = new('x', Width * 2);
        TypeText(output, "request " + longName);

        output.WriteLine("done");

        var screen = Screen(written);
        Assert.Equal("done", screen[0]);
        Assert.Equal("p2p> request " + longName, string.Concat(screen.Skip(1)));
    }

    [Fact]
    public void Status_lines_wider_than_the_terminal_are_cut_so_they_never_wrap()
    {
        var (output, written) = Terminal();
        output.SetStatus([new string('#', Width * 3)]);
        output.SetStatus(["short"]);

        Assert.Equal(["short"], Screen(written));
        Assert.Equal("abc…", UserOutput.Fit("abcdefgh", 4));
        Assert.Equal("abc", UserOutput.Fit("abc", 4));
    }

    [Fact]
    public void Redirected_output_has_no_control_codes_and_no_live_lines()
    {
        var written = new StringWriter();
        var output = new UserOutput(written);

        output.SetStatus(["a.bin 50%"]);
        output.WriteLine("one");
        output.WriteErrorLine("warn: two");

        Assert.False(output.IsTerminal);
        Assert.Equal("one\nwarn: two\n", written.ToString());
    }

    [Fact]
    public void Diagnostics_go_to_stderr_as_one_line_each()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new UserOutputLoggerProvider(new UserOutput(stdout, stderr))));

        var logger = loggers.CreateLogger("P2PShare.Peer");
        logger.Log(LogLevel.Warning, new EventId(211), "Lost the tracker\nat 1.2.3.4", null, (state, _) => state);
        logger.Log(LogLevel.Trace, new EventId(1), "too fine to show", null, (state, _) => state);

        Assert.Equal("", stdout.ToString());
        Assert.Equal("warn: P2PShare.Peer[211] Lost the tracker at 1.2.3.4\n", stderr.ToString());
    }

    [Fact]
    public void A_timed_line_starts_with_the_utc_time_to_the_millisecond()
    {
        var at = new DateTimeOffset(2026, 12, 3, 1, 2, 3, 456, TimeSpan.FromHours(2));

        string timed = UserOutputLoggerProvider.Format(LogLevel.Information, "P2PShare.Peer.Storage", new EventId(122), "Starting download", null, at);
        string plain = UserOutputLoggerProvider.Format(LogLevel.Warning, "P2PShare.Peer", new EventId(211), "Lost the tracker", null);

        Assert.Equal("23:02:03.456 info: P2PShare.Peer.Storage[122] Starting download", timed);
        Assert.Equal("warn: P2PShare.Peer[211] Lost the tracker", plain);
    }

    [Theory]
    [InlineData(LogLevel.Debug, true)]
    [InlineData(LogLevel.Trace, true)]
    [InlineData(LogLevel.Information, false)]
    [InlineData(LogLevel.Warning, false)]
    public void Every_line_is_timed_at_debug_level_and_below_and_none_above(LogLevel level, bool timed)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using (var loggers = PeerProgram.Loggers(new UserOutput(stdout, stderr), level))
        {
            var logger = loggers.CreateLogger("P2PShare.Peer");
            logger.Log(LogLevel.Warning, new EventId(1), "a warning", null, (state, _) => state);
            logger.Log(LogLevel.Information, new EventId(2), "some news", null, (state, _) => state);
            logger.Log(LogLevel.Debug, new EventId(3), "a detail", null, (state, _) => state);
        }

        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Equal(timed, System.Text.RegularExpressions.Regex.IsMatch(line, @"^\d\d:\d\d:\d\d\.\d\d\d ")));
    }

    [Fact]
    public void Ending_clears_the_prompt_and_the_progress_lines()
    {
        var (output, written) = Terminal();
        output.SetStatus(["a.bin 10%"]);
        output.BeginInput("p2p> ");
        TypeText(output, "hel");
        output.WriteLine("Leaving the network. Bye.");

        output.EndLive();

        Assert.Equal(["Leaving the network. Bye."], Screen(written));
    }

    [Fact]
    public void A_warning_the_user_is_told_in_words_is_not_logged_twice_by_default()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning)
            .AddProvider(new UserOutputLoggerProvider(new UserOutput(stdout, stderr), new HashSet<int> { 220 })));

        var logger = loggers.CreateLogger("P2PShare.Peer.Download");
        logger.Log(LogLevel.Warning, new EventId(220), "Peer 1.2.3.4:5 unusable for big.bin", null, (state, _) => state);
        logger.Log(LogLevel.Warning, new EventId(105), "Skipped unreadable file", null, (state, _) => state);

        Assert.Equal("warn: P2PShare.Peer.Download[105] Skipped unreadable file\n", stderr.ToString());
    }
}
