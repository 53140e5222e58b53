using Microsoft.Extensions.Time.Testing;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Transfer;

public sealed class PiecePickerTests
{
    private static readonly HolderAddress C = new("c", 1000);
    private static readonly HolderAddress Fast = new("fast", 1001);
    private static readonly HolderAddress Gone = new("gone", 1002);
    private static readonly HolderAddress Slow = new("slow", 1003);
    private static readonly HolderAddress Liar = new("liar", 1004);
    private static readonly HolderAddress B = new("b", 1005);
    private static readonly HolderAddress A = new("a", 1006);
    private static readonly HolderAddress Partial = new("partial", 1007);
    private static readonly HolderAddress Other = new("other", 1008);

    private static PieceSet Set(int count, params int[] present)
    {
        var set = new PieceSet(count);
        foreach (int i in present)
            set.Add(i);
        return set;
    }

    [Fact]
    public void Rarest_piece_is_picked_first()
    {
        var picker = new PiecePicker(new PieceSet(5), new Random(1));
        picker.AddPeer(A, Set(5, 0, 1, 2, 3));
        picker.AddPeer(B, Set(5, 0, 1, 3));
        picker.AddPeer(C, Set(5, 0, 1));
        // Piece 2 is held only by a; piece 3 by a and b; 0 and 1 by all three.
        Assert.Equal(2, picker.Pick(A));
        Assert.Equal(3, picker.Pick(A));
    }

    [Fact]
    public void A_peer_is_only_asked_for_pieces_it_has()
    {
        var picker = new PiecePicker(new PieceSet(8), new Random(2));
        picker.AddPeer(Partial, Set(8, 5));
        Assert.Equal(5, picker.Pick(Partial));
        Assert.Null(picker.Pick(Partial));
    }

    [Fact]
    public void Verified_pieces_are_never_picked()
    {
        var picker = new PiecePicker(Set(3, 0, 2), new Random(3));
        picker.AddPeer(A, null);
        Assert.Equal(1, picker.Pick(A));
        Assert.Null(picker.Pick(A));
        Assert.Equal(1, picker.Remaining);
    }

    [Fact]
    public void Ties_are_broken_at_random_so_peers_spread_out()
    {
        var firstPicks = new HashSet<int>();
        for (int seed = 0; seed < 50; seed++)
        {
            var picker = new PiecePicker(new PieceSet(16), new Random(seed));
            picker.AddPeer(A, null);
            firstPicks.Add(picker.Pick(A)!.Value);
        }
        Assert.True(firstPicks.Count > 5, $"only {firstPicks.Count} distinct first picks over 50 seeds");
    }

    [Fact]
    public void End_game_hands_a_piece_in_flight_elsewhere_to_an_idle_peer()
    {
        var picker = new PiecePicker(new PieceSet(1), new Random(4));
        picker.AddPeer(Slow, null);
        picker.AddPeer(Fast, null);
        Assert.Equal(0, picker.Pick(Slow));
        Assert.Equal(0, picker.Pick(Fast));
        Assert.Null(picker.Pick(Fast));
        var duplicates = picker.Received(Fast, 0);
        Assert.Equal([Slow], duplicates);
        Assert.True(picker.IsComplete);
    }

    [Fact]
    public void End_game_asks_a_holder_for_one_duplicate_at_a_time_and_only_once_it_has_nothing_in_flight()
    {
        var picker = new PiecePicker(new PieceSet(4), new Random(4));
        picker.AddPeer(Slow, null);
        for (int i = 0; i < 4; i++)
            Assert.NotNull(picker.Pick(Slow)); // every missing piece is in flight: end-game
        picker.AddPeer(Fast, null);
        Assert.NotNull(picker.Pick(Fast));
        Assert.Null(picker.Pick(Fast)); // not a window full of duplicates
        picker.Received(Fast, 0);
        picker.Received(Fast, 1);
        picker.Received(Fast, 2);
        picker.Received(Fast, 3);
        Assert.True(picker.IsComplete);
    }

    [Fact]
    public void End_game_asks_for_at_most_one_duplicate_of_a_piece()
    {
        var picker = new PiecePicker(new PieceSet(1), new Random(4));
        picker.AddPeer(Slow, null);
        picker.AddPeer(Fast, null);
        picker.AddPeer(Other, null);
        Assert.Equal(0, picker.Pick(Slow));
        Assert.Equal(0, picker.Pick(Fast)); // end-game: one duplicate
        Assert.Null(picker.Pick(Other));    // not a third copy
        picker.Released(Fast, 0);
        Assert.Equal(0, picker.Pick(Other)); // the duplicate failed: another may try
    }

    [Fact]
    public void End_game_duplicates_only_a_request_that_is_late_against_the_usual_wait()
    {
        var clock = new FakeTimeProvider();
        var picker = new PiecePicker(new PieceSet(2), new Random(4), clock);
        picker.AddPeer(Slow, null);
        picker.AddPeer(Fast, null);
        int slowPiece = picker.Pick(Slow)!.Value;
        int fastPiece = picker.Pick(Fast)!.Value;
        clock.Advance(TimeSpan.FromSeconds(1));
        picker.Received(Fast, fastPiece); // a piece takes a second here
        Assert.Null(picker.Pick(Fast));   // the slow one's piece is as old as usual: not yet
        clock.Advance(TimeSpan.FromSeconds(0.9));
        Assert.Null(picker.Pick(Fast));
        clock.Advance(TimeSpan.FromSeconds(0.2)); // 2.1 s: over twice the usual wait
        Assert.Equal(slowPiece, picker.Pick(Fast, out PickRule rule));
        Assert.Equal(PickRule.EndGame, rule);
    }

    [Fact]
    public void A_late_duplicate_that_is_late_too_lets_an_idle_holder_take_the_piece()
    {
        var clock = new FakeTimeProvider();
        var picker = new PiecePicker(new PieceSet(2), new Random(4), clock);
        picker.AddPeer(Slow, null);
        picker.AddPeer(Other, null);
        picker.AddPeer(Fast, null);
        int stuck = picker.Pick(Slow)!.Value;
        int done = picker.Pick(Fast)!.Value;
        clock.Advance(TimeSpan.FromSeconds(1));
        picker.Received(Fast, done);              // a piece takes a second here
        clock.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal(stuck, picker.Pick(Other));  // late: one duplicate, from a holder that will not answer either
        Assert.Null(picker.Pick(Fast));           // the duplicate is not late yet
        Assert.Equal(TimeSpan.FromSeconds(2), picker.UntilNextLate);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(stuck, picker.Pick(Fast, out PickRule rule)); // both late: the idle holder may take it
        Assert.Equal(PickRule.EndGame, rule);
    }

    [Fact]
    public void A_piece_a_seeder_keeps_answering_elsewhere_for_is_asked_without_defer_after_the_bound()
    {
        var clock = new FakeTimeProvider();
        var picker = new PiecePicker(new PieceSet(2), new Random(15), clock);
        picker.AddPeer(C, null);
        picker.AddPeer(Partial, Set(2, 0));
        Assert.Equal(1, picker.Pick(C));
        picker.Elsewhere(C, 1, TimeSpan.FromSeconds(1));
        clock.Advance(PiecePicker.ElsewhereBound - TimeSpan.FromSeconds(1));
        Assert.Equal(1, picker.Pick(C, out PickRule again));
        Assert.Equal(PickRule.RunAgain, again);
        picker.Elsewhere(C, 1, TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal(1, picker.Pick(C, out bool mayDefer));
        Assert.False(mayDefer); // past the bound: an honest seeder must send it now
    }

    [Fact]
    public void A_piece_a_downloader_says_it_just_verified_is_asked_from_it()
    {
        var picker = new PiecePicker(new PieceSet(4), new Random(5));
        picker.AddPeer(Partial, Set(4, 1));
        Assert.Equal(1, picker.Pick(Partial));
        Assert.Null(picker.Pick(Partial));
        picker.PeerHoldsPiece(Partial, 3);
        picker.PeerHoldsPiece(Partial, 9); // beyond the file: ignored
        Assert.Equal(3, picker.Pick(Partial));
        Assert.Null(picker.Pick(Partial));
    }

    [Fact]
    public void Outside_end_game_a_piece_is_requested_from_one_peer_only()
    {
        var picker = new PiecePicker(new PieceSet(2), new Random(5));
        picker.AddPeer(A, null);
        picker.AddPeer(B, null);
        int first = picker.Pick(A)!.Value;
        int second = picker.Pick(B)!.Value;
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Removing_a_peer_frees_its_requests_for_others()
    {
        var picker = new PiecePicker(new PieceSet(1), new Random(6));
        picker.AddPeer(Gone, null);
        picker.AddPeer(Other, null);
        Assert.Equal(0, picker.Pick(Gone));
        picker.RemovePeer(Gone);
        Assert.Equal(0, picker.Pick(Other));
    }

    [Fact]
    public void A_not_found_answer_stops_asking_that_peer_for_that_piece()
    {
        var picker = new PiecePicker(new PieceSet(1), new Random(7));
        picker.AddPeer(Liar, null);
        Assert.Equal(0, picker.Pick(Liar));
        picker.PeerLacks(Liar, 0);
        Assert.Null(picker.Pick(Liar));
        Assert.False(picker.HasWorkForAny());
        picker.PeerHolds(Liar, Set(1, 0)); // listed with it again
        Assert.True(picker.HasWorkForAny());
        Assert.Equal(0, picker.Pick(Liar));
    }

    [Fact]
    public void Empty_file_is_complete_with_nothing_to_pick()
    {
        var picker = new PiecePicker(new PieceSet(0), new Random(8));
        picker.AddPeer(A, null);
        Assert.True(picker.IsComplete);
        Assert.Null(picker.Pick(A));
    }

    [Fact]
    public void A_piece_in_flight_is_not_asked_again_while_another_missing_piece_is_not()
    {
        // Piece 2 is held by nobody yet: not every missing piece is in flight, so this is no end-game.
        var picker = new PiecePicker(new PieceSet(3), new Random(9));
        picker.AddPeer(A, Set(3, 0, 1));
        picker.AddPeer(B, Set(3, 0));
        Assert.Equal(1, picker.Pick(A)); // the rarer
        Assert.Equal(0, picker.Pick(B));
        Assert.Null(picker.Pick(A));
    }

    [Fact]
    public void A_seeder_is_asked_only_for_pieces_no_downloader_has()
    {
        var picker = new PiecePicker(new PieceSet(8), new Random(10));
        picker.AddPeer(C, null);
        picker.AddPeer(Partial, Set(8, 0, 1, 2, 3));
        var fromSeeder = new[] { picker.Pick(C), picker.Pick(C), picker.Pick(C), picker.Pick(C) };
        Assert.All(fromSeeder, piece => Assert.InRange(piece!.Value, 4, 7));
        Assert.Null(picker.Pick(C)); // 0-3 come from the downloader that has them
        Assert.Equal(4, new[] { picker.Pick(Partial), picker.Pick(Partial), picker.Pick(Partial), picker.Pick(Partial) }.Distinct().Count());
    }

    [Fact]
    public void A_seeder_with_nothing_in_flight_is_not_asked_for_what_downloaders_have_until_the_end_game()
    {
        var picker = new PiecePicker(new PieceSet(3), new Random(11), new FakeTimeProvider()); // no time passes: no request is early
        picker.AddPeer(C, null);
        picker.AddPeer(Partial, Set(3, 0, 1));
        Assert.Equal(2, picker.Pick(C));
        picker.Received(C, 2);
        Assert.Null(picker.Pick(C)); // 0 and 1 come from the downloader: the seeder sends each piece once
        Assert.NotNull(picker.Pick(Partial));
        Assert.NotNull(picker.Pick(Partial));
        Assert.NotNull(picker.Pick(C, out bool mayDefer)); // every missing piece in flight: end-game may ask the seeder
        Assert.False(mayDefer); // and it must serve that one
    }

    [Fact]
    public void A_seeder_is_asked_for_runs_of_consecutive_pieces()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var picker = new PiecePicker(new PieceSet(64), new Random(seed));
            picker.AddPeer(C, null);
            picker.AddPeer(Partial, new PieceSet(64));
            int first = picker.Pick(C)!.Value;
            Assert.InRange(first, SeederRuns.Clearance, 63); // clear of the start of the only run
            for (int i = 1; i < 8 && first + i < 64; i++)
                Assert.Equal(first + i, picker.Pick(C));
        }
    }

    [Fact]
    public void A_seeder_run_that_meets_a_downloader_piece_starts_again_clear_of_every_held_piece()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var picker = new PiecePicker(new PieceSet(200), new Random(seed));
            picker.AddPeer(C, null);
            picker.AddPeer(Partial, Set(200, 100));
            int first = picker.Pick(C)!.Value;
            Assert.True(ClearAfter(first, -1, 100) >= SeederRuns.Clearance, $"seed {seed}: {first}");
            if (first == 199)
                continue; // no next piece to lose
            picker.PeerHolds(Partial, Set(200, first + 1)); // the downloader got the next one meanwhile
            int next = picker.Pick(C)!.Value;
            Assert.True(ClearAfter(next, -1, 100, first, first + 1) >= SeederRuns.Clearance, $"seed {seed}: {next} too close after a held piece ({first})");
        }
    }

    [Fact]
    public void A_piece_a_seeder_sent_elsewhere_is_left_to_the_downloaders_until_the_deferral_passes()
    {
        var clock = new FakeTimeProvider();
        var picker = new PiecePicker(new PieceSet(64), new Random(13), clock);
        picker.AddPeer(C, null);
        picker.AddPeer(Partial, new PieceSet(64));
        picker.AddPeer(Other, null); // a second seeder
        int first = picker.Pick(C)!.Value;
        picker.Elsewhere(C, first, TimeSpan.FromSeconds(1));
        for (int i = 0; i < 40; i++)
            Assert.NotEqual(first, picker.Pick(Other)); // no seeder run takes it meanwhile
        clock.Advance(TimeSpan.FromSeconds(1.1));
        var later = new List<int?>();
        for (int i = 0; i < 64 && picker.Pick(Other) is int piece; i++)
            later.Add(piece);
        Assert.Contains(first, later); // nobody passed it on: a seeder is asked again
    }

    [Fact]
    public void A_piece_a_seeder_sent_elsewhere_is_asked_again_still_deferrable_once_the_deferral_passes()
    {
        var clock = new FakeTimeProvider();
        var picker = new PiecePicker(new PieceSet(2), new Random(15), clock);
        picker.AddPeer(C, null);
        picker.AddPeer(Partial, Set(2, 0));
        Assert.Equal(1, picker.Pick(C, out bool first));
        Assert.True(first);
        picker.Elsewhere(C, 1, TimeSpan.FromSeconds(1));
        Assert.Null(picker.Pick(C));
        clock.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal(1, picker.Pick(C, out PickRule rule));
        Assert.Equal(PickRule.RunAgain, rule);
        picker.Released(C, 1);
        Assert.Equal(1, picker.Pick(C, out bool again));
        Assert.True(again); // the seeder decides: it serves once the downloader it went to has left or its memory passed
    }

    // How many pieces lie between `piece` and the nearest of `taken` before it.
    private static int ClearAfter(int piece, params int[] taken) => piece - taken.Where(t => t < piece).Max() - 1;
}
