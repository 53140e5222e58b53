namespace P2PShare.Testing;

/// <summary>
/// Holds a seeder's pieces back, so a test decides how far a download gets: the first
/// <c>free</c> pieces are served at once, every later one waits until <see cref="Open"/>.
/// Plugged into a peer through <see cref="GatedPieces"/>.
/// </summary>
public sealed class PieceGate(int free)
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _asked;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _asked) <= free)
            return;
        await _open.Task.WaitAsync(cancellationToken);
    }

    public void Open() => _open.TrySetResult();
}
