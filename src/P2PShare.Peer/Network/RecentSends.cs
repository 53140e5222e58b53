using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Network;

/// <summary>
/// Which fetcher each piece was last sent to, and when, so a server can tell a second fetcher that
/// asks for it moments later to get it from a downloader instead (<c>elsewhere</c>). Downloaders learn
/// of each other's pieces about a second late (through the tracker), so without this a seeder sent
/// about one piece in twenty twice at N=3 and one in six at N=7 (docs/BENCHMARKS.md, <c>lan</c>).
/// </summary>
public sealed class RecentSends
{
    /// <summary>
    /// How long a piece sent counts as on its way to a downloader that will pass it on. A send is claimed
    /// when it starts; on a link shared by 15 fetchers at 20 Mbit/s a piece took some 3 s to arrive and
    /// another second to be heard of, so with 4 s a third of the seeder's copies were second ones. A fetcher
    /// that leaves is forgotten at once (<see cref="Left"/>), so the longer memory stalls nobody.
    /// </summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(8);

    private const int SweepEvery = 4096; // claims between sweeps of expired entries: bounds the memory

    private readonly TimeSpan _window;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<(FileId File, int Piece), (string Fetcher, long At)> _sent = [];
    private int _sinceSweep;

    /// <param name="window">How long a send is remembered; zero turns deferral off.</param>
    /// <param name="clock">The system clock unless a test brings its own.</param>
    public RecentSends(TimeSpan window, TimeProvider? clock = null)
    {
        _window = window;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// Whether to send <paramref name="piece"/> to <paramref name="fetcher"/>: false only when it may be
    /// deferred and another fetcher was sent it within the window. When true the send is recorded.
    /// </summary>
    public bool TryClaim(FileId file, int piece, string fetcher, bool mayDefer)
    {
        long now = _clock.GetTimestamp();
        lock (_gate)
        {
            if (mayDefer && _sent.TryGetValue((file, piece), out var last) && last.Fetcher != fetcher
                && _clock.GetElapsedTime(last.At, now) < _window)
                return false;
            _sent[(file, piece)] = (fetcher, now);
            if (++_sinceSweep >= SweepEvery)
                Sweep(now);
            return true;
        }
    }

    /// <summary>
    /// <paramref name="fetcher"/>'s connection closed: it passes nothing on any more (a `get` leaves once its
    /// file is complete), so its pieces are sent to the next fetcher that asks, deferrable or not.
    /// </summary>
    public void Left(string fetcher)
    {
        lock (_gate)
        {
            foreach (var (key, last) in _sent)
            {
                if (last.Fetcher == fetcher)
                    _sent.Remove(key);
            }
        }
    }

    /// <summary>The claimed send did not happen (the piece could not be read): forget it.</summary>
    public void Unclaim(FileId file, int piece, string fetcher)
    {
        lock (_gate)
        {
            if (_sent.TryGetValue((file, piece), out var last) && last.Fetcher == fetcher)
                _sent.Remove((file, piece));
        }
    }

    // Under _gate.
    private void Sweep(long now)
    {
        _sinceSweep = 0;
        foreach (var (key, last) in _sent)
        {
            if (_clock.GetElapsedTime(last.At, now) >= _window)
                _sent.Remove(key);
        }
    }
}
