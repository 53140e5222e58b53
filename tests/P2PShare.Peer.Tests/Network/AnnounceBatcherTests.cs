using Microsoft.Extensions.Time.Testing;
using P2PShare.Peer.Network;

namespace P2PShare.Peer.Tests.Network;

public sealed class AnnounceBatcherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    // An announce the test lets finish: counts starts, and blocks each until released.
    private sealed class GatedAnnounce
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Starts { get; private set; }

        public Task AnnounceAsync()
        {
            lock (_gate)
            {
                Starts++;
                _started.TrySetResult();
                return _release.Task;
            }
        }

        public async Task WaitStartedAsync()
        {
            Task started;
            lock (_gate)
                started = _started.Task;
            await started.WaitAsync(Deadline);
        }

        public void ReleaseOne()
        {
            lock (_gate)
            {
                var release = _release;
                _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
                _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
                release.TrySetResult();
            }
        }
    }

    [Fact]
    public async Task Requests_made_while_an_announce_is_in_flight_share_one_announce_after_it()
    {
        var announce = new GatedAnnounce();
        var batcher = new AnnounceBatcher(announce.AnnounceAsync, TimeSpan.Zero);

        var first = batcher.RequestAsync();
        await announce.WaitStartedAsync();
        // A folder's files finishing while the first announce is on the wire: 100 completions.
        var later = Enumerable.Range(0, 100).Select(_ => batcher.RequestAsync()).ToArray();
        Assert.Equal(1, announce.Starts);
        Assert.False(first.IsCompleted);

        announce.ReleaseOne();
        await first.WaitAsync(Deadline);
        await announce.WaitStartedAsync();
        Assert.Equal(2, announce.Starts); // one more, started after every later request, so it carries them all
        Assert.All(later, t => Assert.False(t.IsCompleted));

        announce.ReleaseOne();
        await Task.WhenAll(later).WaitAsync(Deadline);
        Assert.Equal(2, announce.Starts);
    }

    [Fact]
    public async Task The_first_request_goes_out_at_once_and_the_next_waits_for_the_gap()
    {
        var clock = new FakeTimeProvider();
        int starts = 0;
        var batcher = new AnnounceBatcher(() => { Interlocked.Increment(ref starts); return Task.CompletedTask; }, TimeSpan.FromMilliseconds(200), clock);

        await batcher.RequestAsync().WaitAsync(Deadline);
        Assert.Equal(1, starts);

        var second = batcher.RequestAsync();
        var third = batcher.RequestAsync();
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(second.IsCompleted);
        Assert.Equal(1, starts);

        clock.Advance(TimeSpan.FromMilliseconds(100));
        await Task.WhenAll(second, third).WaitAsync(Deadline);
        Assert.Equal(2, starts);
    }

    [Fact]
    public async Task A_failed_announce_still_ends_its_requests_and_the_next_one_is_sent()
    {
        int starts = 0;
        var batcher = new AnnounceBatcher(() => Interlocked.Increment(ref starts) == 1 ? throw new IOException("lost") : Task.CompletedTask, TimeSpan.Zero);

        await batcher.RequestAsync().WaitAsync(Deadline);
        await batcher.RequestAsync().WaitAsync(Deadline);

        Assert.Equal(2, starts);
    }
}
