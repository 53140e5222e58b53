using Microsoft.Extensions.Time.Testing;
using P2PShare.Peer.Network;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Network;

public sealed class RecentSendsTests
{
    private static readonly FileId File = FileId.OfManifestBytes([1, 2, 3]);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(4);

    [Fact]
    public void A_piece_just_sent_to_one_fetcher_is_refused_to_another_that_may_defer()
    {
        var sends = new RecentSends(Window, new FakeTimeProvider());
        Assert.True(sends.TryClaim(File, 5, "a", mayDefer: true));
        Assert.False(sends.TryClaim(File, 5, "b", mayDefer: true));
        Assert.True(sends.TryClaim(File, 6, "b", mayDefer: true)); // another piece
    }

    [Fact]
    public void A_fetcher_that_may_not_defer_is_always_served()
    {
        var sends = new RecentSends(Window, new FakeTimeProvider());
        Assert.True(sends.TryClaim(File, 5, "a", mayDefer: true));
        Assert.True(sends.TryClaim(File, 5, "b", mayDefer: false)); // an older fetcher, or an end-game request
    }

    [Fact]
    public void The_same_fetcher_asking_again_is_served()
    {
        var sends = new RecentSends(Window, new FakeTimeProvider());
        Assert.True(sends.TryClaim(File, 5, "a", mayDefer: true));
        Assert.True(sends.TryClaim(File, 5, "a", mayDefer: true));
    }

    [Fact]
    public void A_send_older_than_the_window_no_longer_defers()
    {
        var clock = new FakeTimeProvider();
        var sends = new RecentSends(Window, clock);
        Assert.True(sends.TryClaim(File, 5, "a", mayDefer: true));
        clock.Advance(Window);
        Assert.True(sends.TryClaim(File, 5, "b", mayDefer: true));
    }

    [Fact]
    public void A_send_that_did_not_happen_does_not_defer_others()
    {
        var sends = new RecentSends(Window, new FakeTimeProvider());
        Assert.True(sends.TryClaim(File, 5, "a", mayDefer: true));
        sends.Unclaim(File, 5, "a");
        Assert.True(sends.TryClaim(File, 5, "b", mayDefer: true));
    }

    [Fact]
    public void A_zero_window_defers_nothing()
    {
        var sends = new RecentSends(TimeSpan.Zero, new FakeTimeProvider());
        Assert.True(sends.TryClaim(File, 5, "a", mayDefer: true));
        Assert.True(sends.TryClaim(File, 5, "b", mayDefer: true));
    }
}
