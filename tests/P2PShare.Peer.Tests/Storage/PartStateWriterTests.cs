using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Storage;

/// <summary>When a delayed <c>.state</c> write happens, on a clock the test moves (timers fire inside <c>Advance</c>).</summary>
public sealed class PartStateWriterTests : IDisposable
{
    private const int PieceLength = 1024;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private readonly StorageTestFolder _folder = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly DateTimeOffset _start;
    private readonly Manifest _manifest;
    private readonly PieceSet _pieces;
    private readonly PartStateWriter _writer;
    private readonly List<TimeSpan> _writes = [];
    private long _version;
    private int _next;

    public PartStateWriterTests()
    {
        _manifest = StorageTestFolder.ManifestOf(StorageTestFolder.Bytes(400 * PieceLength, 7), PieceLength);
        _pieces = new PieceSet(_manifest.PieceCount);
        _start = _clock.GetUtcNow();
        var paths = DownloadPaths.For(Directory.CreateDirectory(_folder.DownloadsFolder).FullName, _manifest.Id);
        _writer = new PartStateWriter("movie.bin", _manifest, paths, Interval, NullLogger.Instance,
            () => (_pieces.Clone(), _version), () => { }, _ => _writes.Add(_clock.GetUtcNow() - _start), _clock);
    }

    public void Dispose()
    {
        lock (_writer.Gate)
            _writer.Close();
        _folder.Dispose();
    }

    private void Arrive(int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            _pieces.Add(_next++);
            _writer.Schedule(++_version);
        }
    }

    private static TimeSpan Ms(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void A_slow_download_writes_its_state_once_its_oldest_unrecorded_piece_is_ten_intervals_old_not_every_interval()
    {
        // 1 MB/s in 256 KiB pieces: one every 0.25 s. The old rule wrote 0.5 s after the first, twice a second.
        Arrive();
        for (int step = 1; step < 20; step++)
        {
            _clock.Advance(Ms(250));
            Arrive();
        }
        Assert.Empty(_writes); // 4.75 s, 20 pieces: not enough at stake yet

        _clock.Advance(Ms(250));

        Assert.Equal([Ms(5000)], _writes);
        Assert.Equal(20, _writer.RecordedCount);
        for (int step = 0; step < 20; step++)
        {
            Arrive();
            _clock.Advance(Ms(250));
        }
        Assert.Equal([Ms(5000), Ms(10_000)], _writes); // the next 5 s later, with no timer turning in between
        Assert.Equal(40, _writer.RecordedCount);
    }

    [Fact]
    public void A_fast_download_writes_its_state_once_per_interval_counted_from_the_last_write()
    {
        // 100 pieces a second from 10 ms on: enough is at stake long before each interval is over.
        for (int step = 0; step < 200; step++)
        {
            _clock.Advance(Ms(10));
            Arrive();
        }

        Assert.Equal([Ms(500), Ms(1000), Ms(1500), Ms(2000)], _writes);
    }

    [Fact]
    public void Enough_pieces_after_a_quiet_spell_are_written_at_once_not_an_interval_later()
    {
        _clock.Advance(Ms(3000));
        Arrive(PartStateWriter.PiecesWorthAWrite - 1);
        Assert.Empty(_writes);

        Arrive();

        Assert.Equal([Ms(3000)], _writes);
        Assert.Equal(PartStateWriter.PiecesWorthAWrite, _writer.RecordedCount);
    }

    [Fact]
    public void Large_pieces_are_worth_a_write_when_their_bytes_reach_the_bound_before_their_count()
    {
        // Pieces of 1 MiB: eight reach 8 MiB, well before 32 pieces.
        var manifest = StorageTestFolder.ManifestOf(StorageTestFolder.Bytes(16 << 20, 3), 1 << 20);
        var pieces = new PieceSet(manifest.PieceCount);
        long version = 0;
        var writes = new List<TimeSpan>();
        var paths = DownloadPaths.For(_folder.DownloadsFolder, manifest.Id);
        var writer = new PartStateWriter("big.bin", manifest, paths, Interval, NullLogger.Instance,
            () => (pieces.Clone(), version), () => { }, _ => writes.Add(_clock.GetUtcNow() - _start), _clock);
        _clock.Advance(Ms(1000));
        for (int piece = 0; piece < 7; piece++)
        {
            pieces.Add(piece);
            writer.Schedule(++version);
        }
        Assert.Empty(writes);

        pieces.Add(7);
        writer.Schedule(++version);

        Assert.Equal([Ms(1000)], writes);
        lock (writer.Gate)
            writer.Close();
    }

    [Fact]
    public void A_closed_writer_arms_nothing_and_writes_nothing()
    {
        Arrive();
        lock (_writer.Gate)
            _writer.Close();

        Arrive(PartStateWriter.PiecesWorthAWrite);
        _clock.Advance(TimeSpan.FromSeconds(60));

        Assert.Empty(_writes);
    }
}
