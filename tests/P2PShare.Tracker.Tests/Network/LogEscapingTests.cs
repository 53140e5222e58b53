using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace P2PShare.Tracker.Tests.Network;

public sealed class LogEscapingTests
{
    [Fact]
    public void Control_characters_a_stranger_sent_reach_the_operators_terminal_escaped()
    {
        // A hello's agent is logged when the peer joins: raw, it recoloured and retitled the terminal.
        string agent = "EVIL\u001b[31mRED\u001b]0;TITLE\u0007\u001b[2K\rFAKE: info: all good";
        var entry = new LogEntry<string>(LogLevel.Information, "P2PShare.Tracker", new EventId(23), $"Peer joined ({agent})", null, (s, _) => s);
        var written = new StringWriter();

        new EscapingConsoleFormatter().Write(entry, null, written);

        string line = written.ToString();
        Assert.Equal(@"info: P2PShare.Tracker[23] Peer joined (EVIL\e[31mRED\e]0;TITLE\u0007\e[2K\rFAKE: info: all good)" + Environment.NewLine, line);
        Assert.DoesNotContain('\u001b', line);
    }

    [Fact]
    public void With_a_timestamp_format_each_line_starts_with_the_utc_time()
    {
        var entry = new LogEntry<string>(LogLevel.Debug, "P2PShare.Tracker", new EventId(20), "Connection accepted", null, (s, _) => s);
        var written = new StringWriter();
        var options = new ConsoleFormatterOptions { TimestampFormat = "HH:mm:ss.fff ", UseUtcTimestamp = true };

        new EscapingConsoleFormatter(new FixedOptions(options)).Write(entry, null, written);

        Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d\d dbug: P2PShare.Tracker\[20\] Connection accepted", written.ToString());
    }

    private sealed class FixedOptions(ConsoleFormatterOptions value) : IOptionsMonitor<ConsoleFormatterOptions>
    {
        public ConsoleFormatterOptions CurrentValue => value;

        public ConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsoleFormatterOptions, string?> listener) => null;
    }
}
