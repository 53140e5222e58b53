using System.Net;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Registry;
using P2PShare.Tracker.Tests.Support;
using static P2PShare.Tracker.Tests.Support.Registries;

namespace P2PShare.Tracker.Tests.Registry;

public sealed class FileRegistryTests
{
    [Fact]
    public void Announce_then_list_counts_complete_and_partial_holders()
    {
        var registry = WithClients(5001, 5002, 5003);
        registry.Announce(1, [Files.Complete("a.bin", "a")]);
        registry.Announce(2, [Files.Complete("a.bin", "a")]);
        registry.Announce(3, [Files.Partial("a.bin", "a", [0, 1])]);

        var file = Assert.Single(registry.List());

        Assert.Equal(new NetworkFile(Files.Id("a"), "a.bin", 1000, 256, CompleteHolders: 2, PartialHolders: 1), file);
    }

    [Fact]
    public void Announce_replaces_the_clients_previous_holdings()
    {
        var registry = WithClients(5001);
        registry.Announce(1, [Files.Complete("old.txt", "old")]);

        var result = registry.Announce(1, [Files.Complete("new.txt", "new")]);

        Assert.True(result.AllAccepted);
        Assert.Equal(["new.txt"], registry.List().Select(f => f.Name));
        Assert.Null(registry.WhoHas(0, Files.Id("old")));
    }

    [Fact]
    public void A_client_that_claims_an_id_first_with_a_wrong_length_cannot_keep_its_honest_holders_out()
    {
        var registry = WithClients(5001, 5002, 5003);
        var honestId = Files.Id("a");
        var squat = registry.Announce(1, [new FileEntry(honestId, "a.bin", 999_999, 256, null)]);

        var honest = registry.Announce(2, [Files.Complete("a.bin", "a"), Files.Complete("b.bin", "b")]);

        Assert.True(squat.AllAccepted);
        Assert.True(honest.AllAccepted);
        Assert.Equal(2, honest.Accepted);
        // The squatter's claim is just another entry: the list shows both shapes, who_has answers each apart.
        Assert.Equal([(1000L, 1), (999_999L, 1)], registry.List("a.bin").Select(f => (f.Length, f.CompleteHolders)));
        var holders = Assert.IsType<Holders>(registry.WhoHas(3, honestId, new FileShape(1000, 256)));
        Assert.Equal(1000L, holders.Length);
        Assert.Equal([5002], holders.Peers.Select(p => p.Port));
        Assert.Equal([5001], Assert.IsType<Holders>(registry.WhoHas(3, honestId, new FileShape(999_999, 256))).Peers.Select(p => p.Port));
        Assert.Null(registry.WhoHas(3, honestId, new FileShape(1000, 512)));
    }

    [Fact]
    public void Who_has_without_a_shape_answers_the_shape_most_holders_claim()
    {
        var registry = WithClients(5001, 5002, 5003);
        var id = Files.Id("a");
        registry.Announce(1, [new FileEntry(id, "a.bin", 999_999, 256, null)]);
        registry.Announce(2, [Files.Complete("a.bin", "a")]);
        registry.Announce(3, [Files.Complete("a.bin", "a")]);

        var holders = Assert.IsType<Holders>(registry.WhoHas(0, id));

        Assert.Equal(1000L, holders.Length);
        Assert.Equal([5002, 5003], holders.Peers.Select(p => p.Port));
    }

    [Fact]
    public void One_id_in_two_shapes_in_one_announce_keeps_the_first_and_refuses_the_second()
    {
        var registry = WithClients(5001);
        var id = Files.Id("a");

        var result = registry.Announce(1, [Files.Complete("a.bin", "a"), new FileEntry(id, "a2.bin", 5, 256, null)]);

        var refusal = Assert.Single(result.Rejections);
        Assert.Equal((1, id), (refusal.Index, refusal.File));
        Assert.Contains("already lists this id as 1000 bytes", refusal.Reason, StringComparison.Ordinal);
        Assert.Equal(1000, Assert.Single(registry.List()).Length);
    }

    [Fact]
    public void Entries_past_a_clients_file_limit_are_refused_one_by_one_and_the_rest_kept()
    {
        var registry = new FileRegistry(announceLimits: new AnnounceLimits(MaxFiles: 3, MaxNameBytes: 1_000_000));
        registry.Join(1, new IPEndPoint(IPAddress.Loopback, 5001));
        registry.Join(2, new IPEndPoint(IPAddress.Loopback, 5002));
        var many = Enumerable.Range(0, 5).Select(i => Files.Complete($"f{i}.bin", $"f{i}")).ToArray();

        var result = registry.Announce(1, many);
        var other = registry.Announce(2, many);

        Assert.Equal(3, result.Accepted);
        Assert.Equal([3, 4], result.Rejections.Select(r => r.Index));
        Assert.All(result.Rejections, r => Assert.Contains("limit of 3 files per peer", r.Reason, StringComparison.Ordinal));
        Assert.Equal(3, other.Accepted); // a limit per client: the first one's share takes nothing from the second's
        Assert.Equal(["f0.bin", "f1.bin", "f2.bin"], registry.List().Select(f => f.Name));
    }

    [Fact]
    public void Entries_past_a_clients_name_bytes_limit_are_refused()
    {
        var registry = new FileRegistry(announceLimits: new AnnounceLimits(MaxFiles: 100, MaxNameBytes: 20));
        registry.Join(1, new IPEndPoint(IPAddress.Loopback, 5001));

        var result = registry.Announce(1, [Files.Complete("0123456789.bin", "a"), Files.Complete("abcdefghij.bin", "b"), Files.Complete("c", "c")]);

        Assert.Equal(2, result.Accepted);
        var refusal = Assert.Single(result.Rejections);
        Assert.Equal(1, refusal.Index);
        Assert.Contains("limit of 20 bytes of file names per peer", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_may_change_shape_once_nobody_else_holds_it()
    {
        var registry = WithClients(5001);
        var id = Files.Id("a");
        registry.Announce(1, [new FileEntry(id, "a.bin", 1000, 256, null)]);

        var result = registry.Announce(1, [new FileEntry(id, "a.bin", 2000, 256, null)]);

        Assert.True(result.AllAccepted);
        Assert.Equal(2000, Assert.Single(registry.List()).Length);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("/etc/passwd")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("a/")]
    [InlineData("c:x")]
    [InlineData("a/c:x")]
    [InlineData("con/x")]
    [InlineData("a/nul.txt")]
    [InlineData("a\\b")]
    [InlineData("")]
    [InlineData("line\nbreak")]
    [InlineData("dir\n/x")]
    [InlineData("dir./x")]
    public void An_entry_with_a_bad_name_is_rejected(string name)
    {
        var registry = WithClients(5001);

        var result = registry.Announce(1, [Files.Complete(name, "x")]);

        Assert.Equal(0, result.Accepted);
        Assert.Single(result.Rejections);
        Assert.Empty(registry.List());
    }

    [Fact]
    public void An_entry_with_a_300_byte_segment_or_too_deep_a_path_is_rejected()
    {
        var registry = WithClients(5001);

        var result = registry.Announce(1, [Files.Complete("d/" + new string('a', 300), "x"), Files.Complete(string.Join('/', Enumerable.Repeat("d", 40)), "y")]);

        Assert.Equal(0, result.Accepted);
        Assert.Equal(2, result.Rejections.Count);
        Assert.Empty(registry.List());
    }

    [Fact]
    public void A_nested_name_is_listed_and_found_by_its_whole_path()
    {
        var registry = WithClients(5001);

        var result = registry.Announce(1, [Files.Complete("photos/2025/beach.jpg", "x")]);

        Assert.True(result.AllAccepted);
        Assert.Equal("photos/2025/beach.jpg", Assert.Single(registry.List("photos/2025/beach.jpg")).Name);
    }

    [Fact]
    public void An_entry_whose_piece_map_does_not_fit_its_length_is_rejected()
    {
        var registry = WithClients(5001);
        var entry = new FileEntry(Files.Id("x"), "x.bin", 1000, 256, new PieceSet(9));

        var result = registry.Announce(1, [entry]);

        Assert.Contains("covers 9 pieces", Assert.Single(result.Rejections).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 256, "negative")]
    [InlineData(1000, 0, "outside 1..")]
    [InlineData(1000, 8 * 1024 * 1024 + 1, "outside 1..")]
    [InlineData(256L * 1024 + 1, 1, "over the limit")]
    public void An_entry_whose_length_piece_length_or_piece_count_breaks_the_limits_is_rejected(long length, int pieceLength, string why)
    {
        // The codec already refuses these on the wire; the registry checks again for callers in-process.
        var registry = WithClients(5001);
        var entry = new FileEntry(Files.Id("x"), "x.bin", length, pieceLength, null);

        var result = registry.Announce(1, [entry, Files.Complete("ok.bin", "ok")]);

        Assert.Contains(why, Assert.Single(result.Rejections).Reason, StringComparison.Ordinal);
        Assert.Equal(1, result.Accepted);
    }

    [Fact]
    public void The_same_id_twice_in_one_announce_holds_the_union_of_both()
    {
        var registry = WithClients(5001, 5002);
        registry.Announce(1, [Files.Partial("copy1.bin", "a", [0]), Files.Partial("copy2.bin", "a", [2])]);

        var holder = Assert.Single(Assert.IsType<Holders>(registry.WhoHas(2, Files.Id("a"))).Peers);

        Assert.Equal([0, 2], holder.Have!.Indices());
    }

    [Fact]
    public void One_content_under_several_names_lists_every_name_with_the_contents_holders()
    {
        var registry = WithClients(5001, 5002);
        registry.Announce(1, [Files.Complete("photos/empty1.txt", "e"), Files.Complete("photos/2025/sub dir/empty 2.txt", "e"), Files.Complete("vids/x/dup1.txt", "d")]);
        registry.Announce(2, [Files.Complete("vids/x/dup2.txt", "d"), Files.Complete("vids/x/dup1.txt", "d")]);

        Assert.Equal(
            [("photos/2025/sub dir/empty 2.txt", 1), ("photos/empty1.txt", 1), ("vids/x/dup1.txt", 2), ("vids/x/dup2.txt", 2)],
            registry.List().Select(f => (f.Name, f.CompleteHolders)));
        Assert.Equal(["photos/2025/sub dir/empty 2.txt", "photos/empty1.txt"], registry.ListPage(null, "photos/", null, 1 << 20)!.Files.Select(f => f.Name));
        Assert.Equal(2, Assert.Single(registry.List("vids/x/dup2.txt")).CompleteHolders);

        registry.Leave(1);

        Assert.Empty(registry.List("photos/empty1.txt"));
        Assert.Equal(["vids/x/dup1.txt", "vids/x/dup2.txt"], registry.List().Select(f => f.Name));
    }

    [Fact]
    public void Each_name_of_one_content_says_how_many_of_the_contents_holders_give_it_that_name()
    {
        var registry = WithClients(5001, 5002, 5003);
        registry.Announce(1, [Files.Complete("album/x.jpg", "x")]);
        registry.Announce(2, [Files.Complete("backup/x.jpg", "x")]);
        registry.Announce(3, [Files.Complete("album/x.jpg", "x"), Files.Complete("backup/x.jpg", "x")]);

        Assert.Equal(
            [("album/x.jpg", 3, 2), ("backup/x.jpg", 3, 2)],
            registry.List().Select(f => (f.Name, f.CompleteHolders, f.NameCompleteHolders)));
        Assert.Equal(2, Assert.Single(registry.ListPage(null, "album/", null, 1 << 20)!.Files).NameCompleteHolders);
        Assert.Equal(2, Assert.Single(registry.List("backup/x.jpg")).NameCompleteHolders);
    }

    [Fact]
    public void Every_name_of_one_content_counts_against_a_clients_file_limit()
    {
        var registry = new FileRegistry(announceLimits: new AnnounceLimits(MaxFiles: 2, MaxNameBytes: 1_000_000));
        registry.Join(1, new IPEndPoint(IPAddress.Loopback, 5001));

        var result = registry.Announce(1, [Files.Complete("a1", "a"), Files.Complete("a2", "a"), Files.Complete("a3", "a"), Files.Complete("a1", "a")]);

        Assert.Equal([2], result.Rejections.Select(r => r.Index)); // a repeat of a name is no new entry
        Assert.Equal(["a1", "a2"], registry.List().Select(f => f.Name));
    }

    [Fact]
    public void Who_has_excludes_the_asker_and_lists_the_others_oldest_first()
    {
        var registry = WithClients(5001, 5002, 5003);
        foreach (var client in new long[] { 1, 2, 3 })
            registry.Announce(client, [Files.Complete("a.bin", "a")]);

        var holders = Assert.IsType<Holders>(registry.WhoHas(2, Files.Id("a")));

        Assert.Equal(["127.0.0.7:5001", "127.0.0.7:5003"], holders.Peers.Select(p => p.Endpoint));
        Assert.All(holders.Peers, p => Assert.Null(p.Have));
    }

    [Fact]
    public void Who_has_is_null_when_only_the_asker_or_nobody_holds_the_file()
    {
        var registry = WithClients(5001);
        registry.Announce(1, [Files.Complete("a.bin", "a")]);

        Assert.Null(registry.WhoHas(1, Files.Id("a")));
        Assert.Null(registry.WhoHas(1, Files.Id("nobody")));
    }

    [Fact]
    public void Leave_removes_the_client_from_every_answer()
    {
        var registry = WithClients(5001, 5002);
        registry.Announce(1, [Files.Complete("a.bin", "a")]);
        registry.Announce(2, [Files.Complete("a.bin", "a"), Files.Complete("b.bin", "b")]);

        Assert.True(registry.Leave(2));

        var file = Assert.Single(registry.List());
        Assert.Equal((1, 0), (file.CompleteHolders, file.PartialHolders));
        Assert.Null(registry.WhoHas(1, Files.Id("b")));
        Assert.Equal(1, registry.FileCount);
        Assert.Equal(1, registry.ClientCount);
        Assert.False(registry.Leave(2));
    }

    [Fact]
    public void An_announce_from_a_client_that_left_records_nothing()
    {
        var registry = WithClients(5001);
        registry.Leave(1);

        var result = registry.Announce(1, [Files.Complete("a.bin", "a")]);

        Assert.False(result.ClientKnown);
        Assert.Empty(registry.List());
    }

    [Fact]
    public void Mark_piece_extends_a_partial_holding_until_it_is_complete()
    {
        var registry = WithClients(5001, 5002);
        registry.Announce(1, [Files.Partial("a.bin", "a", [0, 1, 2], length: 1000, pieceLength: 256)]);

        Assert.Equal(PieceMarkResult.AlreadyHeld, registry.MarkPiece(1, Files.Id("a"), 1));
        Assert.Equal(PieceMarkResult.Marked, registry.MarkPiece(1, Files.Id("a"), 3));

        var holder = Assert.Single(Assert.IsType<Holders>(registry.WhoHas(2, Files.Id("a"))).Peers);
        Assert.Null(holder.Have);
        Assert.Equal((1, 0), (registry.List()[0].CompleteHolders, registry.List()[0].PartialHolders));
    }

    [Fact]
    public void Mark_pieces_adds_a_batch_and_completes_the_holding()
    {
        var registry = WithClients(5001, 5002);
        registry.Announce(1, [Files.Partial("a.bin", "a", [0], length: 1000, pieceLength: 256)]);
        var some = new PieceSet(4);
        some.Add(0);
        some.Add(2);

        Assert.Equal(PieceMarkResult.Marked, registry.MarkPieces(1, Files.Id("a"), some));
        Assert.Equal([0, 2], Assert.Single(Assert.IsType<Holders>(registry.WhoHas(2, Files.Id("a"))).Peers).Have!.Indices());
        Assert.Equal(PieceMarkResult.AlreadyHeld, registry.MarkPieces(1, Files.Id("a"), some));
        Assert.Equal(PieceMarkResult.Marked, registry.MarkPieces(1, Files.Id("a"), PieceSet.Full(4)));

        Assert.Null(Assert.Single(Assert.IsType<Holders>(registry.WhoHas(2, Files.Id("a"))).Peers).Have);
        Assert.Equal((1, 0), (registry.List()[0].CompleteHolders, registry.List()[0].PartialHolders));
    }

    [Fact]
    public void Mark_pieces_outside_what_the_client_announced_changes_nothing()
    {
        var registry = WithClients(5001, 5002);
        registry.Announce(1, [Files.Partial("a.bin", "a", [0])]);

        Assert.Equal(PieceMarkResult.NotAnnounced, registry.MarkPieces(1, Files.Id("other"), PieceSet.Full(4)));
        Assert.Equal(PieceMarkResult.NotAnnounced, registry.MarkPieces(2, Files.Id("a"), PieceSet.Full(4)));
        Assert.Equal(PieceMarkResult.OutOfRange, registry.MarkPieces(1, Files.Id("a"), PieceSet.Full(5)));
        Assert.Equal(PieceMarkResult.UnknownClient, registry.MarkPieces(9, Files.Id("a"), PieceSet.Full(4)));

        var holder = Assert.Single(Assert.IsType<Holders>(registry.WhoHas(2, Files.Id("a"))).Peers);
        Assert.Equal([0], holder.Have!.Indices());
    }

    [Fact]
    public void Mark_piece_outside_what_the_client_announced_changes_nothing()
    {
        var registry = WithClients(5001, 5002);
        registry.Announce(1, [Files.Partial("a.bin", "a", [0])]);

        Assert.Equal(PieceMarkResult.NotAnnounced, registry.MarkPiece(1, Files.Id("other"), 0));
        Assert.Equal(PieceMarkResult.NotAnnounced, registry.MarkPiece(2, Files.Id("a"), 1));
        Assert.Equal(PieceMarkResult.OutOfRange, registry.MarkPiece(1, Files.Id("a"), 4));
        Assert.Equal(PieceMarkResult.OutOfRange, registry.MarkPiece(1, Files.Id("a"), -1));
        Assert.Equal(PieceMarkResult.UnknownClient, registry.MarkPiece(9, Files.Id("a"), 1));

        var holder = Assert.Single(Assert.IsType<Holders>(registry.WhoHas(2, Files.Id("a"))).Peers);
        Assert.Equal([0], holder.Have!.Indices());
    }

    [Fact]
    public void Files_with_one_name_and_different_ids_are_separate_entries_and_list_by_name_finds_both()
    {
        var registry = WithClients(5001, 5002, 5003);
        registry.Announce(1, [Files.Complete("report.pdf", "v1")]);
        registry.Announce(2, [Files.Complete("report.pdf", "v2")]);
        registry.Announce(3, [Files.Complete("other.txt", "o")]);

        var named = registry.List("report.pdf");

        Assert.Equal(2, named.Count);
        Assert.Equal(new[] { Files.Id("v1"), Files.Id("v2") }.OrderBy(i => i.ToString(), StringComparer.Ordinal), named.Select(f => f.Id));
        Assert.All(named, f => Assert.Equal("report.pdf", f.Name));
        Assert.Equal(3, registry.List().Count);
        Assert.Empty(registry.List("missing"));
    }

    [Fact]
    public void List_by_name_reports_the_name_asked_for_when_holders_disagree()
    {
        var registry = WithClients(5001, 5002);
        registry.Announce(1, [Files.Complete("first.bin", "a")]);
        registry.Announce(2, [Files.Complete("second.bin", "a")]);

        Assert.Equal(["first.bin", "second.bin"], registry.List().Select(f => f.Name)); // every name is listed
        Assert.Equal("second.bin", Assert.Single(registry.List("second.bin")).Name);
        Assert.Equal(2, registry.List("second.bin")[0].CompleteHolders);
    }

    [Fact]
    public void A_holder_that_serves_no_port_or_holds_no_piece_is_not_listed()
    {
        var registry = WithClients(0, 5002, 5003);
        registry.Announce(1, [Files.Complete("a.bin", "a")]);
        registry.Announce(2, [Files.Partial("a.bin", "a", [])]);

        Assert.Empty(registry.List());
        Assert.Null(registry.WhoHas(3, Files.Id("a")));

        registry.MarkPiece(2, Files.Id("a"), 0);
        Assert.Equal(5002, Assert.Single(Assert.IsType<Holders>(registry.WhoHas(3, Files.Id("a"))).Peers).Port);
    }

    [Fact]
    public void Piece_sets_handed_out_and_taken_in_are_copies()
    {
        var registry = WithClients(5001, 5002);
        var entry = Files.Partial("a.bin", "a", [0]);
        registry.Announce(1, [entry]);
        entry.Have!.Add(1);

        var given = Assert.Single(Assert.IsType<Holders>(registry.WhoHas(2, Files.Id("a"))).Peers).Have!;
        given.Add(2);

        var again = Assert.Single(Assert.IsType<Holders>(registry.WhoHas(2, Files.Id("a"))).Peers).Have!;
        Assert.Equal([0], again.Indices());
    }

    [Fact]
    public void Joining_twice_with_one_id_is_a_programming_error()
    {
        var registry = WithClients(5001);

        Assert.Throws<InvalidOperationException>(() => registry.Join(1, new IPEndPoint(Address, 5009)));
    }

    [Fact]
    public void Concurrent_announces_and_leaves_leave_a_consistent_registry()
    {
        var registry = new FileRegistry();
        Parallel.For(1, 201, client =>
        {
            registry.Join(client, new IPEndPoint(Address, 6000 + client));
            registry.Announce(client, [Files.Complete("shared.bin", "shared"), Files.Complete($"own{client}.bin", $"own{client}")]);
            registry.MarkPiece(client, Files.Id("shared"), 0);
            _ = registry.List();
            if (client % 2 == 0)
                registry.Leave(client);
        });

        Assert.Equal(100, registry.ClientCount);
        Assert.Equal(101, registry.FileCount);
        Assert.Equal(100, registry.List("shared.bin").Single().CompleteHolders);
    }

    [Fact]
    public void List_by_name_forgets_a_name_once_no_holder_calls_a_file_by_it()
    {
        var registry = new FileRegistry();
        registry.Join(1, new IPEndPoint(IPAddress.Loopback, 7001));
        registry.Join(2, new IPEndPoint(IPAddress.Loopback, 7002));
        var first = Files.Complete("old name.bin", "same");
        registry.Announce(1, [first]);
        registry.Announce(2, [first with { Name = "new name.bin" }]);
        Assert.Single(registry.List("old name.bin"));

        registry.Leave(1);
        Assert.Empty(registry.List("old name.bin"));
        Assert.Equal("new name.bin", Assert.Single(registry.List("new name.bin")).Name);

        registry.Announce(2, [Files.Complete("other.bin", "other")]);
        Assert.Empty(registry.List("new name.bin"));
        Assert.Single(registry.List("other.bin"));
    }
}
