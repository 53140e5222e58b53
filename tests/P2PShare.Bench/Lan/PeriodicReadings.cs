namespace P2PShare.Bench.Lan;

/// <summary>
/// Reads a value every interval until stopped, handing each reading to a callback together with the
/// one before it (a rate needs both ends of its interval); the first reading is taken at once.
/// </summary>
internal sealed class PeriodicReadings<T> : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private PeriodicReadings(TimeSpan interval, Func<T> read, Action<T, T> onInterval)
    {
        _reading = ReadAsync(interval, read, onInterval);
    }

    /// <summary>Starts reading with <paramref name="read"/>; <paramref name="onInterval"/> gets (previous, current) after each interval.</summary>
    public static PeriodicReadings<T> Start(TimeSpan interval, Func<T> read, Action<T, T> onInterval) => new(interval, read, onInterval);

    /// <summary>Stops reading; returns once the last callback has returned.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _reading;
    }

    private async Task ReadAsync(TimeSpan interval, Func<T> read, Action<T, T> onInterval)
    {
        var last = read();
        try
        {
            while (true)
            {
                await Task.Delay(interval, _stop.Token);
                var now = read();
                onInterval(last, now);
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
