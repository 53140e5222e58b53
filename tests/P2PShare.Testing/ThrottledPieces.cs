using System.Diagnostics;
using P2PShare.Peer.Network;
using P2PShare.Protocol.Files;

namespace P2PShare.Testing;

/// <summary>
/// Serves <paramref name="inner"/>'s pieces at most <paramref name="bytesPerSecond"/> across all
/// connections, so a test or the benchmark can play a slow peer. Each piece reserves the next slot
/// of time its bytes need and waits for that slot to begin.
/// </summary>
public sealed class ThrottledPieces(IPieceSource inner, long bytesPerSecond) : IPieceSource
{
    /// <summary>A <see cref="P2PShare.Peer.PeerParts.ServeThrough"/> that serves at most <paramref name="bytesPerSecond"/>.</summary>
    public static Func<IPieceSource, IPieceSource> Wrap(long bytesPerSecond) => inner => new ThrottledPieces(inner, bytesPerSecond);

    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _nextFree;

    /// <inheritdoc />
    public Manifest? FindManifest(FileId file) => inner.FindManifest(file);

    /// <inheritdoc />
    public PieceSet? FindPieces(FileId file) => inner.FindPieces(file);

    /// <inheritdoc />
    public async ValueTask<PieceAnswer> GetPieceAsync(FileId file, int piece, CancellationToken cancellationToken)
    {
        var answer = await inner.GetPieceAsync(file, piece, cancellationToken);
        try
        {
            await WaitAsync(answer.Length, cancellationToken);
            return answer;
        }
        catch
        {
            await answer.DisposeAsync();
            throw;
        }
    }

    private async Task WaitAsync(int bytes, CancellationToken cancellationToken)
    {
        TimeSpan start;
        lock (_gate)
        {
            var now = _clock.Elapsed;
            start = _nextFree > now ? _nextFree : now;
            _nextFree = start + TimeSpan.FromSeconds((double)bytes / bytesPerSecond);
        }
        var wait = start - _clock.Elapsed;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, cancellationToken);
    }
}
