using System.Runtime.InteropServices;

namespace P2PShare.Peer.Commands;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM, as the peer wants them: Ctrl+C goes to <c>onInterrupt</c>, which
/// returns true to keep the process running (it stopped a command or started a clean exit) and
/// false to let it die (a second Ctrl+C while already leaving); SIGTERM always asks for a clean exit.
/// </summary>
public sealed class ConsoleSignals : IDisposable
{
    private readonly Func<bool> _onInterrupt;
    private readonly Action _onTerminate;
    private readonly PosixSignalRegistration? _terminate;

    /// <summary>Handles the signals until disposed.</summary>
    public ConsoleSignals(Func<bool> onInterrupt, Action onTerminate)
    {
        _onInterrupt = onInterrupt ?? throw new ArgumentNullException(nameof(onInterrupt));
        _onTerminate = onTerminate ?? throw new ArgumentNullException(nameof(onTerminate));
        Console.CancelKeyPress += OnCancelKeyPress;
        if (!OperatingSystem.IsWindows())
        {
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true; // exit through the clean path: downloads save their state, the tracker is told
                _onTerminate();
            });
        }
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e) => e.Cancel = _onInterrupt();

    /// <inheritdoc />
    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _terminate?.Dispose();
    }
}
