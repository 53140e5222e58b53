using System.Globalization;
using Microsoft.Extensions.Logging;

namespace P2PShare.Peer.Commands;

/// <summary>
/// Diagnostics on stderr through <see cref="UserOutput"/>, so a log line never lands inside a line
/// of the command loop's output or the line being typed. One line per entry:
/// <c>warn: Category[event id] message</c>, like the console logger's single-line format; Debug and
/// Trace lines start with the UTC time to the millisecond, since what they are read for (which holder
/// sent what, and when) is a sequence in time.
/// </summary>
public sealed class UserOutputLoggerProvider : ILoggerProvider
{
    private readonly UserOutput _output;
    private readonly IReadOnlySet<int> _skipped;

    /// <summary>Writes through <paramref name="output"/>.</summary>
    public UserOutputLoggerProvider(UserOutput output)
        : this(output, new HashSet<int>()) { }

    /// <summary>
    /// Writes through <paramref name="output"/>, except the events in <paramref name="toldInWords"/>:
    /// the user already reads those as a plain sentence, and the same news twice is noise.
    /// </summary>
    public UserOutputLoggerProvider(UserOutput output, IReadOnlySet<int> toldInWords)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _skipped = toldInWords ?? throw new ArgumentNullException(nameof(toldInWords));
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new LineLogger(_output, categoryName, _skipped);

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing owned: the output outlives the loggers.
    }

    /// <summary>The line a log entry made at <paramref name="at"/> becomes.</summary>
    public static string Format(LogLevel level, string category, EventId eventId, string message, Exception? exception, DateTimeOffset at)
    {
        string label = level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
        string time = level <= LogLevel.Debug ? at.UtcDateTime.ToString("HH:mm:ss.fff ", CultureInfo.InvariantCulture) : "";
        string line = $"{time}{label}: {category}[{eventId.Id}] {message.ReplaceLineEndings(" ")}";
        return exception is null ? line : $"{line} ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})";
    }

    private sealed class LineLogger(UserOutput output, string category, IReadOnlySet<int> skipped) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && !skipped.Contains(eventId.Id))
                output.WriteErrorLine(Format(logLevel, category, eventId, formatter(state, exception), exception, DateTimeOffset.UtcNow));
        }
    }
}
