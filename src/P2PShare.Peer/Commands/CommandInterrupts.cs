namespace P2PShare.Peer.Commands;

/// <summary>
/// Ctrl+C in the command loop: it interrupts the command running (a long <c>wait</c>, a slow
/// <c>start</c>) and returns to the prompt; at the prompt, with nothing running, it leaves as
/// <c>end</c> does. The loop marks each command's span; the signal handler calls <see cref="Interrupt"/>.
/// </summary>
public sealed class CommandInterrupts : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _leave = new();
    private CancellationTokenSource? _command;

    /// <summary>Cancelled when Ctrl+C came with no command running: the loop should end.</summary>
    public CancellationToken Leaving => _leave.Token;

    /// <summary>Marks <paramref name="command"/> as the command running: Ctrl+C cancels it.</summary>
    public void Begin(CancellationTokenSource command)
    {
        lock (_gate)
            _command = command;
    }

    /// <summary>Marks <paramref name="command"/> as ended.</summary>
    public void End(CancellationTokenSource command)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_command, command))
                _command = null;
        }
    }

    /// <summary>Ctrl+C: true when it interrupted a command, false when it asked the loop to leave.</summary>
    public bool Interrupt()
    {
        lock (_gate)
        {
            if (_command is { IsCancellationRequested: false } running)
            {
                running.Cancel();
                return true;
            }
            _leave.Cancel();
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _leave.Dispose();
}
