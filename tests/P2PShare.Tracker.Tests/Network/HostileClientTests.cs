using P2PShare.Protocol;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Network;

/// <summary>One client, however it announces, cannot break the tracker for the others (issue 11, holes 6 and 7).</summary>
public sealed class HostileClientTests
{
    [Fact]
    public async Task A_25000_entry_announce_is_cut_to_the_limit_and_every_list_update_and_named_list_still_answers()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var honest = await TestPeer.JoinAsync(tracker, 7001);
        await using var hostile = await TestPeer.JoinAsync(tracker, 7002);
        await honest.AnnounceAsync(Files.Complete("notes.txt", "notes"), Files.Complete("song.ogg", "song"));
        var flood = Enumerable.Range(0, 25_000).Select(i => Files.Complete($"h{i:D5}", $"flood{i}", length: 1, pieceLength: 1)).ToArray();
        Assert.InRange(MessageCodec.Encode(new Announce(flood) { RequestId = 2 }).Length, 3_000_000, ProtocolLimits.Default.MaxHeaderLength);

        var ok = await hostile.AnnounceAsync(flood);

        // Refused past the limit, reported (the first hundred by name, the rest counted), the client kept.
        Assert.Equal(15_000, ok.RefusedCount);
        Assert.Equal(100, ok.Refusals!.Count);
        Assert.Equal(10_000, ok.Refusals[0].Index);
        Assert.Contains("limit of 10000 files per peer", ok.Refusals[0].Reason, StringComparison.Ordinal);
        // A client that knows nothing of pages gets a well-formed first page; one that does gets everything.
        var first = await honest.ListPageAsync();
        Assert.NotNull(first.Next);
        Assert.Equal(10_002, first.Files.Count + first.More);
        var all = await honest.ListAllAsync();
        Assert.Equal(10_002, all.Count);
        Assert.Contains(all, f => f.Name == "notes.txt");
        Assert.NotEmpty((await honest.UpdateAsync()));
        Assert.Equal(Files.Id("song"), Assert.Single(await honest.ListAsync("song.ogg")).Id);
        Assert.IsType<Holders>(await honest.WhoHasAsync(Files.Id("flood1", 1, 1)));
    }

    [Fact]
    public async Task Badly_named_or_shaped_entries_are_refused_alone_and_the_client_keeps_its_connection_and_good_files()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);
        var good = Files.Complete("good.txt", "good");
        FileEntry[] announce =
        [
            Files.Complete("nul.txt", "device"), // a Linux user may well have one; a Windows peer cannot store it
            good,
            Files.Complete("../escape", "escape"),
            new FileEntry(Files.Id("big"), "big", 262_145, 1, null), // too many pieces
        ];

        var ok = await peer.AnnounceAsync(announce);

        Assert.Equal(3, ok.RefusedCount);
        var refusals = Assert.IsAssignableFrom<IReadOnlyList<AnnounceRefusal>>(ok.Refusals);
        Assert.Equal([0, 2, 3], refusals.Select(r => r.Index));
        Assert.Contains("Windows device name", refusals[0].Reason, StringComparison.Ordinal);
        Assert.Equal(good.Id, Assert.Single(await peer.ListAllAsync()).Id);
    }

    [Fact]
    public async Task An_id_squatted_with_a_wrong_length_does_not_keep_its_honest_holder_out_even_after_a_reconnect()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var squatter = await TestPeer.JoinAsync(tracker, 7002);
        await using var asker = await TestPeer.JoinAsync(tracker, 7003);
        var honestFile = Files.Complete("report.pdf", "report");
        await squatter.AnnounceAsync(honestFile with { Length = 999_999 });

        var honest = await TestPeer.JoinAsync(tracker, 7001);
        var ok = await honest.AnnounceAsync(honestFile, Files.Complete("other.txt", "other"));
        await honest.DropAsync();
        await using var back = await TestPeer.JoinAsync(tracker, 7001);
        var okAgain = await back.AnnounceAsync(honestFile, Files.Complete("other.txt", "other"));

        Assert.Equal((0, 0), (ok.RefusedCount, okAgain.RefusedCount));
        var holders = Assert.IsType<Holders>(await asker.WhoHasAsync(honestFile.Id, new FileShape(honestFile.Length, honestFile.PieceLength)));
        Assert.Equal([7001], holders.Peers.Select(p => p.Port));
        Assert.Equal(honestFile.Length, holders.Length);
        // Both claims are listed; the asker's download checks the manifest against the id and keeps the true one.
        Assert.Equal([honestFile.Length, 999_999], (await asker.ListAsync("report.pdf")).Select(f => f.Length));
    }

    [Fact]
    public async Task A_list_cursor_the_tracker_did_not_make_is_answered_bad_request_and_the_connection_stays_open()
    {
        await using var tracker = await TestTracker.StartAsync();
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);
        await peer.AnnounceAsync(Files.Complete("a.txt", "a"));

        var error = Assert.IsType<ErrorReply>(await peer.RequestAsync(new ListFiles(null, "bogus")));

        Assert.Equal(ErrorCodes.BadRequest, error.Code);
        Assert.Single(await peer.ListAsync());
    }

    [Fact]
    public async Task The_per_peer_file_limit_is_a_tracker_option()
    {
        await using var tracker = await TestTracker.StartAsync(TestTracker.Options with { MaxFilesPerPeer = 2 });
        await using var peer = await TestPeer.JoinAsync(tracker, 7001);

        var ok = await peer.AnnounceAsync(Files.Complete("a", "a"), Files.Complete("b", "b"), Files.Complete("c", "c"));

        Assert.Equal(2, Assert.Single(ok.Refusals!).Index);
        Assert.Equal(["a", "b"], (await peer.ListAsync()).Select(f => f.Name));
    }
}
