using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Network;

public sealed class QueryTests
{
    [Fact]
    public async Task Announce_then_list_shows_the_file_with_its_holders()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);

        await peer.AnnounceAsync(Files.Complete("holiday photos.zip", "photos", length: 5000, pieceLength: 1024));
        var files = await peer.ListAsync();

        var file = Assert.Single(files);
        Assert.Equal(new NetworkFile(Files.Id("photos", 5000, 1024), "holiday photos.zip", 5000, 1024, 1, 0), file);
    }

    [Fact]
    public async Task A_name_that_needs_escaping_round_trips_through_announce_and_list()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);
        const string name = "a;b::c:d é 文件 [1].txt";

        await peer.AnnounceAsync(Files.Complete(name, "odd"));

        Assert.Equal(name, Assert.Single(await peer.ListAsync(name)).Name);
    }

    [Fact]
    public async Task A_list_with_a_prefix_answers_that_folder_alone_and_a_prefix_longer_than_any_name_is_refused()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);
        await peer.AnnounceAsync(Files.Complete("photos/a.jpg", "a"), Files.Complete("photos/2025/b.jpg", "b"), Files.Complete("notes.txt", "n"));

        var folder = Assert.IsType<FileList>(await peer.RequestAsync(new ListFiles { Prefix = "photos/" }));
        var refused = Assert.IsType<ErrorReply>(await peer.RequestAsync(new ListFiles { Prefix = new string('p', ListFiles.MaxPrefixBytes + 1) }));

        Assert.Equal(["photos/2025/b.jpg", "photos/a.jpg"], folder.Files.Select(f => f.Name));
        Assert.Equal(ErrorCodes.BadRequest, refused.Code);
        Assert.Equal(3, (await peer.ListAsync()).Count); // the connection is still good
    }

    [Fact]
    public async Task Who_has_excludes_the_asker_and_lists_the_others_with_their_listen_ports()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var a = await TestPeer.JoinAsync(tracker, 7001);
        await using var b = await TestPeer.JoinAsync(tracker, 7002);
        await using var c = await TestPeer.JoinAsync(tracker, 7003);
        foreach (var peer in new[] { a, b, c })
            await peer.AnnounceAsync(Files.Complete("a.bin", "a"));

        var holders = Assert.IsType<Holders>(await b.WhoHasAsync(Files.Id("a")));

        Assert.Equal(["127.0.0.1:7001", "127.0.0.1:7003"], holders.Peers.Select(p => p.Endpoint).Order(StringComparer.Ordinal));
        Assert.Equal(("a.bin", 1000L, 256), (holders.Name, holders.Length, holders.PieceLength));
    }

    [Fact]
    public async Task Who_has_many_answers_every_file_asked_in_one_reply_with_each_holder_once()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var a = await TestPeer.JoinAsync(tracker, 7001);
        await using var b = await TestPeer.JoinAsync(tracker, 7002);
        await using var asker = await TestPeer.JoinAsync(tracker, 7003);
        await a.AnnounceAsync(Files.Complete("f/1", "1"), Files.Complete("f/2", "2"));
        await b.AnnounceAsync(Files.Complete("f/2", "2"));
        ShapedFile Asked(string seed) => new(Files.Id(seed), new FileShape(1000, 256));

        var reply = Assert.IsType<HoldersMany>(await asker.RequestAsync(new WhoHasMany([Asked("1"), Asked("2"), Asked("none")])));

        Assert.Equal(["127.0.0.1:7001"], reply.HoldersOf(0).Select(p => p.Endpoint));
        Assert.Equal(["127.0.0.1:7001", "127.0.0.1:7002"], reply.HoldersOf(1).Select(p => p.Endpoint).Order(StringComparer.Ordinal));
        Assert.Empty(reply.HoldersOf(2));
        Assert.Equal(2, reply.Peers.Count);
    }

    [Fact]
    public async Task Who_has_for_a_file_no_other_peer_holds_answers_not_found_naming_it()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);
        await peer.AnnounceAsync(Files.Complete("mine.bin", "mine"));

        var own = Assert.IsType<ErrorReply>(await peer.WhoHasAsync(Files.Id("mine")));
        var unknown = Assert.IsType<ErrorReply>(await peer.WhoHasAsync(Files.Id("unknown")));

        Assert.Equal(ErrorCodes.NotFound, own.Code);
        Assert.Equal($"no peer holds file {Files.Id("unknown").ShortText}", unknown.Text);
    }

    [Fact]
    public async Task Files_with_one_name_and_different_ids_are_two_entries()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var a = await TestPeer.JoinAsync(tracker, 7001);
        await using var b = await TestPeer.JoinAsync(tracker, 7002);
        await a.AnnounceAsync(Files.Complete("notes.txt", "draft"));
        await b.AnnounceAsync(Files.Complete("notes.txt", "final"));

        var files = await a.ListAsync("notes.txt");

        Assert.Equal(2, files.Count);
        Assert.Equal(new HashSet<FileId> { Files.Id("draft"), Files.Id("final") }, files.Select(f => f.Id).ToHashSet());
    }

    [Fact]
    public async Task An_announce_with_refused_entries_is_answered_ok_naming_them_and_the_rest_are_shared()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);
        var id = Files.Id("movie");

        var ok = await peer.AnnounceAsync(Files.Complete("movie.mkv", "movie"), new FileEntry(id, "movie copy.mkv", 77, 256, null), Files.Complete("fine.txt", "fine"));

        Assert.Equal(1, ok.RefusedCount);
        var refusal = Assert.Single(ok.Refusals!);
        Assert.Equal((1, id), (refusal.Index, refusal.File));
        Assert.Contains("an id names one manifest", refusal.Reason, StringComparison.Ordinal);
        Assert.Equal(["fine.txt", "movie.mkv"], (await peer.ListAsync()).Select(f => f.Name));
    }

    [Fact]
    public async Task Have_piece_updates_the_partial_holders_bitfield()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var leecher = await TestPeer.JoinAsync(tracker, 7001);
        await using var asker = await TestPeer.JoinAsync(tracker, 7002);
        var id = Files.Id("a");
        await leecher.AnnounceAsync(Files.Partial("a.bin", "a", [0]));

        await leecher.SendHaveAsync(id, 2);
        await leecher.ListAsync(); // Replies come in order: once this one is back, the notice was handled.

        var holder = Assert.Single(Assert.IsType<Holders>(await asker.WhoHasAsync(id)).Peers);
        Assert.Equal([0, 2], holder.Have!.Indices());
        var file = Assert.Single(await asker.ListAsync());
        Assert.Equal((0, 1), (file.CompleteHolders, file.PartialHolders));
    }

    [Fact]
    public async Task Have_set_adds_a_batch_of_pieces_to_the_partial_holders_bitfield()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var leecher = await TestPeer.JoinAsync(tracker, 7001);
        await using var asker = await TestPeer.JoinAsync(tracker, 7002);
        var id = Files.Id("a");
        await leecher.AnnounceAsync(Files.Partial("a.bin", "a", [0]));
        var gained = new PieceSet(4);
        gained.Add(2);
        gained.Add(3);

        await leecher.SendHaveSetAsync(id, gained);
        await leecher.ListAsync(); // Replies come in order: once this one is back, the notice was handled.

        var holder = Assert.Single(Assert.IsType<Holders>(await asker.WhoHasAsync(id)).Peers);
        Assert.Equal([0, 2, 3], holder.Have!.Indices());
    }

    [Fact]
    public async Task Have_for_every_remaining_piece_makes_the_holder_complete()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var leecher = await TestPeer.JoinAsync(tracker, 7001);
        await leecher.AnnounceAsync(Files.Partial("a.bin", "a", [0, 1]));

        await leecher.SendHaveAsync(Files.Id("a"), 2);
        await leecher.SendHaveAsync(Files.Id("a"), 3);
        var file = Assert.Single(await leecher.ListAsync());

        Assert.Equal((1, 0), (file.CompleteHolders, file.PartialHolders));
    }

    [Fact]
    public async Task An_unknown_request_type_is_answered_unknown_type_and_the_connection_stays_open()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);

        var reply = await peer.RequestAsync(new GetPiece(Files.Id("a"), 0));

        Assert.Equal(ErrorCodes.UnknownType, Assert.IsType<ErrorReply>(reply).Code);
        Assert.Empty(await peer.ListAsync());
    }
}
