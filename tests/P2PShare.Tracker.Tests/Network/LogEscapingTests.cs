using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
}
