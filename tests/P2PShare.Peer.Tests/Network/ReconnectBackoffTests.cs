using P2PShare.Peer.Network;

namespace P2PShare.Peer.Tests.Network;

public sealed class ReconnectBackoffTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(3);

    [Fact]
    public void Delays_double_from_the_initial_one_up_to_the_cap_each_with_half_of_it_random()
    {
        var backoff = new ReconnectBackoff(Initial, Max, new Random(1));

        for (int attempt = 0; attempt < 40; attempt++)
        {
            double ceiling = Math.Min(Max.TotalMilliseconds, Initial.TotalMilliseconds * Math.Pow(2, attempt));
            Assert.InRange(backoff.Next().TotalMilliseconds, ceiling / 2, ceiling);
        }
        Assert.Equal(40, backoff.Attempts);
    }

    [Fact]
    public void Peers_that_lost_the_tracker_together_do_not_retry_in_step()
    {
        var first = new ReconnectBackoff(Initial, Max, new Random(1));
        var second = new ReconnectBackoff(Initial, Max, new Random(2));

        var a = Enumerable.Range(0, 8).Select(_ => first.Next()).ToList();
        var b = Enumerable.Range(0, 8).Select(_ => second.Next()).ToList();

        Assert.All(a.Zip(b), pair => Assert.NotEqual(pair.First, pair.Second));
    }
}
