using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using P2PShare.Protocol.Text;

namespace P2PShare.Tracker;

/// <summary>
/// One line per log entry (<c>warn: P2PShare.Tracker[25] …</c>) with every control character shown as
/// an escape: the tracker logs what strangers send (a hello's agent, refused names), and a raw escape
/// sequence there could recolour the operator's terminal, retitle it or overwrite a line with a fake one.
/// With a <see cref="ConsoleFormatterOptions.TimestampFormat"/> (the tracker sets one at Debug and Trace)
/// each line starts with the time.
/// </summary>
internal sealed class EscapingConsoleFormatter : ConsoleFormatter
{
    public const string FormatterName = "p2pshare-escaping";

    private readonly IOptionsMonitor<ConsoleFormatterOptions>? _options;

    /// <summary>Lines without the time.</summary>
    public EscapingConsoleFormatter()
        : base(FormatterName) { }

    /// <summary>Lines with the time when <paramref name="options"/> give a timestamp format.</summary>
    public EscapingConsoleFormatter(IOptionsMonitor<ConsoleFormatterOptions> options)
        : base(FormatterName) => _options = options;

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
            return;
        if (_options?.CurrentValue is { TimestampFormat: { } format } options)
            textWriter.Write((options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now).ToString(format, CultureInfo.InvariantCulture));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(": ");
        textWriter.Write(logEntry.Category);
        textWriter.Write('[');
        textWriter.Write(logEntry.EventId.Id);
        textWriter.Write("] ");
        textWriter.Write(TerminalText.Escape(message));
        if (logEntry.Exception is not null)
        {
            textWriter.Write(' ');
            textWriter.Write(TerminalText.Escape(logEntry.Exception.ToString()));
        }
        textWriter.Write(Environment.NewLine);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
