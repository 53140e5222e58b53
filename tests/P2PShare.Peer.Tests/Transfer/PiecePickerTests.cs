using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Tests.Transfer;

public sealed class PiecePickerTests
{
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
        var picker = new PiecePicker(new PieceSet(4), new Random(1));
        picker.AddPeer("a", null);
        picker.AddPeer("b", Set(4, 0, 1, 3));
        picker.AddPeer("c", Set(4, 0, 1));
        // Piece 2 is held only by a; piece 3 by a and b; 0 and 1 by all three.
        Assert.Equal(2, picker.Pick("a"));
        Assert.Equal(3, picker.Pick("a"));
    }

    [Fact]
    public void A_peer_is_only_asked_for_pieces_it_has()
    {
        var picker = new PiecePicker(new PieceSet(8), new Random(2));
        picker.AddPeer("partial", Set(8, 5));
        Assert.Equal(5, picker.Pick("partial"));
        Assert.Null(picker.Pick("partial"));
    }

    [Fact]
    public void Verified_pieces_are_never_picked()
    {
        var picker = new PiecePicker(Set(3, 0, 2), new Random(3));
        picker.AddPeer("a", null);
        Assert.Equal(1, picker.Pick("a"));
        Assert.Null(picker.Pick("a"));
        Assert.Equal(1, picker.Remaining);
    }

    [Fact]
    public void Ties_are_broken_at_random_so_peers_spread_out()
    {
        var firstPicks = new HashSet<int>();
        for (int seed = 0; seed < 50; seed++)
        {
            var picker = new PiecePicker(new PieceSet(16), new Random(seed));
            picker.AddPeer("a", null);
            firstPicks.Add(picker.Pick("a")!.Value);
        }
        Assert.True(firstPicks.Count > 5, $"only {firstPicks.Count} distinct first picks over 50 seeds");
    }

    [Fact]
    public void End_game_hands_a_piece_in_flight_elsewhere_to_an_idle_peer()
    {
        var picker = new PiecePicker(new PieceSet(1), new Random(4));
        picker.AddPeer("slow", null);
        picker.AddPeer("fast", null);
        Assert.Equal(0, picker.Pick("slow"));
        Assert.Equal(0, picker.Pick("fast"));
        Assert.Null(picker.Pick("fast"));
        var duplicates = picker.Received("fast", 0);
        Assert.Equal(["slow"], duplicates);
        Assert.True(picker.IsComplete);
    }

    [Fact]
    public void Outside_end_game_a_piece_is_requested_from_one_peer_only()
    {
        var picker = new PiecePicker(new PieceSet(2), new Random(5));
        picker.AddPeer("a", null);
        picker.AddPeer("b", null);
        int first = picker.Pick("a")!.Value;
        int second = picker.Pick("b")!.Value;
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Removing_a_peer_frees_its_requests_for_others()
    {
        var picker = new PiecePicker(new PieceSet(1), new Random(6));
        picker.AddPeer("gone", null);
        picker.AddPeer("other", null);
        Assert.Equal(0, picker.Pick("gone"));
        picker.RemovePeer("gone");
        Assert.Equal(0, picker.Pick("other"));
    }

    [Fact]
    public void A_not_found_answer_stops_asking_that_peer_for_that_piece()
    {
        var picker = new PiecePicker(new PieceSet(1), new Random(7));
        picker.AddPeer("liar", null);
        Assert.Equal(0, picker.Pick("liar"));
        picker.PeerLacks("liar", 0);
        Assert.Null(picker.Pick("liar"));
        Assert.False(picker.HasWorkFor("liar"));
        picker.PeerGained("liar", 0);
        Assert.True(picker.HasWorkFor("liar"));
    }

    [Fact]
    public void Empty_file_is_complete_with_nothing_to_pick()
    {
        var picker = new PiecePicker(new PieceSet(0), new Random(8));
        picker.AddPeer("a", null);
        Assert.True(picker.IsComplete);
        Assert.Null(picker.Pick("a"));
    }
}
