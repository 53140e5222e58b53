using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Transfer;

public sealed class HolderPoolTests
{
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RetryMax = TimeSpan.FromSeconds(1);
    private static readonly HolderDrop Refused = new(HolderDropKind.CouldNotConnect, "refused");
    private static readonly HolderDrop Reset = new(HolderDropKind.ConnectionLost, "connection reset");
    private static readonly HolderDrop Corrupt = new(HolderDropKind.CorruptPiece, Piece: 3);
    private static readonly HolderDrop Gone = new(HolderDropKind.NoLongerHolding, "not found");
    private static readonly HolderDrop Silent = new(HolderDropKind.StoppedAnswering);
    private static readonly HolderDrop Bye = new(HolderDropKind.Left, "it said bye");

    [Fact]
    public void At_most_the_cap_is_open_at_once_and_another_is_dialled_as_each_drops()
    {
        var pool = Pool(maxOpen: 50);
        pool.Listed(Holders(3000), T(0));

        var dialled = TakeAll(pool, T(0));
        Assert.Equal(50, dialled.Count);
        Assert.Equal(Enumerable.Range(1, 50).Select(Endpoint), dialled); // in the tracker's order
        Assert.Null(pool.TakeNext(T(0)));

        pool.Lost(dialled[0], Refused, T(0));
        pool.Connected(dialled[1]);
        pool.Ban(dialled[1], Corrupt, T(0));
        Assert.Equal([Endpoint(51), Endpoint(52)], TakeAll(pool, T(0)));
        Assert.Equal(50, pool.OpenCount);
    }

    [Fact]
    public void A_lost_holder_is_dialled_again_after_its_backoff_and_not_before()
    {
        var pool = Pool();
        pool.Listed(Holders(1), T(0));
        var holder = Next(pool, T(0))!.Value;
        pool.Connected(holder);

        var wait = pool.Lost(holder, Reset, T(1000));

        Assert.InRange(wait, Retry / 2, Retry);
        Assert.Equal(T(1000) + wait, pool.NextDue);
        Assert.Null(pool.TakeNext(T(1000) + wait - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(holder, Next(pool, T(1000) + wait));
    }

    [Fact]
    public void The_backoff_doubles_while_dials_fail_and_starts_afresh_once_the_holder_delivers()
    {
        var pool = Pool();
        pool.Listed(Holders(1), T(0));
        var now = T(0);
        var waits = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            var holder = Next(pool, now)!.Value;
            waits.Add(pool.Lost(holder, Refused, now));
            now += waits[^1];
        }
        Assert.InRange(waits[4], RetryMax / 2, RetryMax); // 100 ms doubled four times, capped at 1 s

        var back = Next(pool, now)!.Value;
        pool.Connected(back);
        pool.Delivered(back);
        Assert.InRange(pool.Lost(back, Reset, now), Retry / 2, Retry);
    }

    [Fact]
    public void A_waiting_holder_the_tracker_lists_again_after_leaving_it_out_is_due_at_once()
    {
        var pool = Pool();
        pool.Listed(Holders(2), T(0));
        var first = Next(pool, T(0))!.Value;
        pool.Connected(first);
        var wait = pool.Lost(first, Reset, T(0));
        pool.TakeNext(T(0)); // the other one

        pool.Listed(Holders(2).Skip(1), T(10)); // killed: the tracker forgot it
        Assert.Null(pool.TakeNext(T(10)));
        pool.Listed(Holders(2), T(20)); // restarted: listed again

        Assert.True(T(20) < wait, "the test needs the backoff to outlast it");
        Assert.Equal(first, Next(pool, T(20)));
    }

    [Fact]
    public void A_holder_still_listed_waits_out_its_backoff()
    {
        var pool = Pool();
        pool.Listed(Holders(1), T(0));
        var holder = Next(pool, T(0))!.Value;
        pool.Lost(holder, Refused, T(0));

        pool.Listed(Holders(1), T(10));

        Assert.Null(pool.TakeNext(T(10)));
    }

    [Fact]
    public void A_banned_holder_is_never_dialled_again_even_when_listed_again()
    {
        var pool = Pool();
        pool.Listed(Holders(1), T(0));
        var liar = Next(pool, T(0))!.Value;
        pool.Connected(liar);
        pool.Ban(liar, Corrupt, T(0));

        pool.Listed([], T(100));
        pool.Listed(Holders(1), T(200));

        Assert.Null(pool.TakeNext(T(100_000)));
        Assert.Null(pool.NextDue);
        Assert.Equal([(liar, Corrupt)], pool.Failures());
    }

    [Fact]
    public void None_connected_since_is_when_the_last_connection_ended()
    {
        var pool = Pool();
        Assert.Equal(T(0), pool.NoneConnectedSince);
        pool.Listed(Holders(2), T(0));
        var a = Next(pool, T(0))!.Value;
        var b = Next(pool, T(0))!.Value;
        pool.Lost(a, Refused, T(5)); // never connected: changes nothing
        Assert.Equal(T(0), pool.NoneConnectedSince);

        pool.Connected(b);
        Assert.Null(pool.NoneConnectedSince);
        pool.Delivered(b);
        pool.Lost(b, Reset, T(40));
        Assert.Equal(T(40), pool.NoneConnectedSince);
    }

    [Fact]
    public void A_holder_that_connects_and_fails_before_delivering_does_not_restart_the_none_connected_clock()
    {
        var pool = Pool();
        pool.Listed(Holders(1), T(0));
        for (int round = 1; round <= 20; round++)
        {
            var holder = Next(pool, pool.NextDue ?? T(0))!.Value;
            pool.Connected(holder);
            pool.Lost(holder, new HolderDrop(HolderDropKind.ConnectionLost, "cannot read piece 24: could not find file"), T(round * 1000));
            Assert.Equal(T(0), pool.NoneConnectedSince); // churn is not progress: the holder wait runs on
        }

        var again = Next(pool, pool.NextDue!.Value)!.Value;
        pool.Connected(again);
        pool.Delivered(again);
        pool.Lost(again, Reset, T(30_000));
        Assert.Equal(T(30_000), pool.NoneConnectedSince); // a piece arrived: counting starts afresh
    }

    [Fact]
    public void A_holder_that_no_longer_has_the_file_is_not_dialled_again_until_the_tracker_leaves_it_out_and_lists_it_again()
    {
        var (pool, listed, holder) = OneConnected();

        pool.NotHolding(holder, Gone, T(10));
        Assert.Null(pool.NextDue);
        pool.Listed(listed, T(2000)); // the tracker has not heard yet: still no reason to dial
        Assert.Null(pool.NextDue);
        Assert.Equal([(holder, Gone)], pool.Failures());

        pool.Listed([], T(4000));      // it re-announced without the file
        Assert.Null(pool.NextDue);
        pool.Listed(listed, T(6000));  // and has it again
        Assert.Equal(T(6000), pool.NextDue);
        Assert.Equal(holder, Next(pool, T(6000))!.Value);
    }

    [Fact]
    public void A_holder_that_said_bye_is_dialled_again_after_the_longest_backoff_and_stays_left_while_those_dials_fail()
    {
        var (pool, listed, holder) = OneConnected();

        pool.Left(holder, Bye, T(10));
        Assert.True(pool.HasLeft(holder));
        Assert.Equal(T(10) + RetryMax, pool.NextDue); // in case it restarts; not at once, it said it was going
        pool.Listed(listed, T(500));                     // still listed: the tracker may not have heard yet
        Assert.Equal(T(10) + RetryMax, pool.NextDue);

        Assert.Equal(holder, Next(pool, T(1010))!.Value);
        Assert.Equal(RetryMax, pool.Lost(holder, Refused, T(1020))); // gone for good so far: no quick retries
        Assert.True(pool.HasLeft(holder));
        Assert.Equal([(holder, Bye)], pool.Failures());  // why it is not used: it left, not "refused"

        Assert.Equal(holder, Next(pool, T(2020))!.Value);
        pool.Connected(holder);                          // it restarted
        Assert.False(pool.HasLeft(holder));
    }

    [Fact]
    public void A_holder_that_said_bye_and_the_tracker_lists_anew_is_due_at_once()
    {
        var (pool, listed, holder) = OneConnected();
        pool.Left(holder, Bye, T(10));

        pool.Listed([], T(200));
        pool.Listed(listed, T(300)); // announced again: back

        Assert.Equal(T(300), pool.NextDue);
    }

    [Fact]
    public void Failures_name_every_holder_not_connected_with_its_latest_reason_in_the_order_listed()
    {
        var pool = Pool();
        pool.Listed(Holders(3), T(0));
        var dialled = TakeAll(pool, T(0));
        pool.Lost(dialled[2], Refused, T(0));
        pool.Connected(dialled[1]);
        pool.Lost(dialled[0], Silent, T(0));

        Assert.Equal([(Endpoint(1), Silent), (Endpoint(3), Refused)], pool.Failures());
    }

    // One holder, listed and connected at 0.
    private static (HolderPool Pool, List<HolderEntry> Listed, HolderAddress Holder) OneConnected()
    {
        var pool = Pool();
        var listed = Holders(1).ToList();
        pool.Listed(listed, T(0));
        var holder = Next(pool, T(0))!.Value;
        pool.Connected(holder);
        return (pool, listed, holder);
    }

    private static HolderPool Pool(int maxOpen = 50) => new(maxOpen, Retry, RetryMax, new Random(3), T(0));

    private static TimeSpan T(int milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    private static HolderAddress Endpoint(int port) => new("127.0.0.1", port);

    private static HolderAddress? Next(HolderPool pool, TimeSpan now) => pool.TakeNext(now) is { } entry ? HolderAddress.Of(entry) : null;

    private static IEnumerable<HolderEntry> Holders(int count) => Enumerable.Range(1, count).Select(port => new HolderEntry("127.0.0.1", port, null));

    private static List<HolderAddress> TakeAll(HolderPool pool, TimeSpan now)
    {
        var taken = new List<HolderAddress>();
        while (Next(pool, now) is { } holder)
            taken.Add(holder);
        return taken;
    }
}
