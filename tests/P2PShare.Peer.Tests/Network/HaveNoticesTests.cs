using Microsoft.Extensions.Time.Testing;
using System.Threading.Channels;
using P2PShare.Peer.Network;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Network;

public sealed class HaveNoticesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly FileId A = FileId.FromBytes(Enumerable.Repeat((byte)0xA0, 32).ToArray());
    private static readonly FileId B = FileId.FromBytes(Enumerable.Repeat((byte)0xB0, 32).ToArray());

    private sealed class Recorder
    {
        private readonly Channel<(FileId File, int[] Pieces)> _sent = Channel.CreateUnbounded<(FileId, int[])>();

        public Dictionary<FileId, PieceSet> Held { get; } = [];

        public int Sends { get; private set; }

        public PieceSet? Current(FileId file)
        {
            lock (Held)
                return Held.TryGetValue(file, out var set) ? set.Clone() : null;
        }

        public Task Send(FileId file, PieceSet pieces)
        {
            Sends++;
            _sent.Writer.TryWrite((file, pieces.Indices().ToArray()));
            return Task.CompletedTask;
        }

        public void Gain(FileId file, int piece, int count = 100)
        {
            lock (Held)
            {
                if (!Held.TryGetValue(file, out var set))
                    Held[file] = set = new PieceSet(count);
                set.Add(piece);
            }
        }

        public async Task<(FileId File, int[] Pieces)> NextAsync() => await _sent.Reader.ReadAsync().AsTask().WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_gain_after_a_quiet_spell_is_told_at_once_and_the_gains_within_the_interval_after_it_become_one_notice_per_file()
    {
        // The interval runs on a clock the test moves: a loaded machine cannot split the batch (with 0.3 s of wall clock it could).
        var clock = new FakeTimeProvider();
        var interval = TimeSpan.FromSeconds(1);
        var recorder = new Recorder();
        using var notices = new HaveNotices(interval, recorder.Current, recorder.Send, clock);

        // A download's first piece makes it a holder others can find: it does not wait for the interval.
        recorder.Gain(A, 0);
        notices.Gained(A);
        var first = await recorder.NextAsync();
        Assert.Equal(A, first.File);
        Assert.Equal([0], first.Pieces);

        for (int piece = 1; piece < 50; piece++)
        {
            recorder.Gain(A, piece);
            notices.Gained(A);
        }
        recorder.Gain(B, 7);
        notices.Gained(B);
        clock.Advance(interval - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, recorder.Sends);
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var sent = new[] { await recorder.NextAsync(), await recorder.NextAsync() }.ToDictionary(s => s.File, s => s.Pieces);
        Assert.Equal(Enumerable.Range(0, 50), sent[A]);
        Assert.Equal([7], sent[B]);

        // Quiet for a whole interval since that batch: the next gain is told at once again.
        clock.Advance(interval);
        recorder.Gain(A, 60);
        notices.Gained(A);
        var next = await recorder.NextAsync();
        Assert.Equal(A, next.File);
        Assert.Contains(60, next.Pieces);
        Assert.Equal(4, recorder.Sends); // nothing was sent between the batches
    }

    [Fact]
    public async Task With_a_zero_interval_every_gain_is_told_at_once()
    {
        var recorder = new Recorder();
        using var notices = new HaveNotices(TimeSpan.Zero, recorder.Current, recorder.Send);

        recorder.Gain(A, 3);
        notices.Gained(A);
        var first = await recorder.NextAsync();
        recorder.Gain(A, 4);
        notices.Gained(A);
        var second = await recorder.NextAsync();

        Assert.Equal("3", string.Join(',', first.Pieces));
        Assert.Equal("3,4", string.Join(',', second.Pieces));
    }

    [Fact]
    public async Task A_file_that_is_gone_by_the_time_of_the_batch_is_not_told()
    {
        var recorder = new Recorder();
        using var notices = new HaveNotices(TimeSpan.Zero, recorder.Current, recorder.Send);

        notices.Gained(B); // nothing held: the file was removed meanwhile
        recorder.Gain(A, 1);
        notices.Gained(A);

        Assert.Equal(A, (await recorder.NextAsync()).File);
        Assert.Equal(1, recorder.Sends);
    }
}
