using System.Globalization;
using Microsoft.Extensions.Logging;

namespace P2PShare.Peer.Commands;

/// <summary>
/// Diagnostics on stderr through <see cref="UserOutput"/>, so a log line never lands inside a line
/// of the command loop's output or the line being typed. One line per entry:
/// <c>warn: Category[event id] message</c>, like the console logger's single-line format. When asked
/// (for <c>--log-level Debug</c> or <c>Trace</c>) every line starts with the UTC time to the millisecond:
/// what such logs are read for (which holder sent what, and when) is a sequence in time.
/// </summary>
public sealed class UserOutputLoggerProvider : ILoggerProvider
{
    private readonly UserOutput _output;
    private readonly IReadOnlySet<int> _skipped;
    private readonly bool _timed;

    /// <summary>Writes through <paramref name="output"/>.</summary>
    public UserOutputLoggerProvider(UserOutput output)
        : this(output, new HashSet<int>()) { }

    /// <summary>
    /// Writes through <paramref name="output"/>, except the events in <paramref name="toldInWords"/>:
    /// the user already reads those as a plain sentence, and the same news twice is noise.
    /// </summary>
    public UserOutputLoggerProvider(UserOutput output, IReadOnlySet<int> toldInWords)
        : this(output, toldInWords, timed: false) { }

    /// <summary>As above; with <paramref name="timed"/> every line starts with the UTC time (<c>HH:mm:ss.fff</c>).</summary>
    public UserOutputLoggerProvider(UserOutput output, IReadOnlySet<int> toldInWords, bool timed)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _skipped = toldInWords ?? throw new ArgumentNullException(nameof(toldInWords));
        _timed = timed;
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new LineLogger(_output, categoryName, _skipped, _timed);

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing owned: the output outlives the loggers.
    }

    /// <summary>The line a log entry becomes; made at <paramref name="at"/>, it starts with that time in UTC, to the millisecond.</summary>
    public static string Format(LogLevel level, string category, EventId eventId, string message, Exception? exception, DateTimeOffset? at = null)
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
        string time = at is { } when ? when.UtcDateTime.ToString("HH:mm:ss.fff ", CultureInfo.InvariantCulture) : "";
        string line = $"{time}{label}: {category}[{eventId.Id}] {message.ReplaceLineEndings(" ")}";
        return exception is null ? line : $"{line} ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})";
    }

    private sealed class LineLogger(UserOutput output, string category, IReadOnlySet<int> skipped, bool timed) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && !skipped.Contains(eventId.Id))
                output.WriteErrorLine(Format(logLevel, category, eventId, formatter(state, exception), exception, timed ? DateTimeOffset.UtcNow : null));
        }
    }
}
