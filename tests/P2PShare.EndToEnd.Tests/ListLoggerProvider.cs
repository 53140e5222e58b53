using Microsoft.Extensions.Logging;

namespace P2PShare.EndToEnd.Tests;

/// <summary>Hands every category the same <see cref="ListLogger"/>, so a test can read what a whole in-process network logged.</summary>
internal sealed class ListLoggerProvider(ListLogger logger) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void Dispose()
    {
    }
}
