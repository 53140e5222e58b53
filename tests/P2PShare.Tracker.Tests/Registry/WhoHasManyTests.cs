using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Registry;
using P2PShare.Tracker.Tests.Support;
using static P2PShare.Tracker.Tests.Support.Registries;

namespace P2PShare.Tracker.Tests.Registry;

/// <summary><see cref="FileRegistry.WhoHasMany"/>: complete holders only, in the order asked, cut to fit a header.</summary>
public sealed class WhoHasManyTests
{
    private static ShapedFile Asked(string seed, long length = 1000, int pieceLength = 256) => new(Files.Id(seed, length, pieceLength), new FileShape(length, pieceLength));

    [Fact]
    public void Each_file_lists_its_complete_holders_other_than_the_asker_in_the_order_asked()
    {
        var registry = WithClients(5001, 5002, 5003, 5004);
        registry.Announce(1, [Files.Complete("a", "a"), Files.Complete("b", "b")]);
        registry.Announce(2, [Files.Complete("b", "b"), Files.Partial("a", "a", [0, 1])]);
        registry.Announce(4, [Files.Complete("a", "a"), Files.Complete("c", "c")]);

        var reply = registry.WhoHasMany(4, [Asked("b"), Asked("nobody"), Asked("a"), Asked("c")]);

        Assert.Equal([Asked("b"), Asked("nobody"), Asked("a"), Asked("c")], reply.Files.Select(f => f.File));
        Assert.Equal([5001, 5002], reply.HoldersOf(0).Select(p => p.Port));
        Assert.Empty(reply.HoldersOf(1));
        Assert.Equal([5001], reply.HoldersOf(2).Select(p => p.Port)); // 5002 is partial, 5004 is the asker
        Assert.Empty(reply.HoldersOf(3));                              // only the asker holds it
        Assert.Equal(2, reply.Peers.Count);                            // each peer once, however many files
    }

    [Fact]
    public void A_holder_of_another_shape_is_not_listed_for_the_shape_asked()
    {
        var registry = WithClients(5001, 5002);
        registry.Announce(1, [new FileEntry(Files.Id("a"), "a", 999, 256, null)]);

        Assert.Empty(registry.WhoHasMany(2, [Asked("a")]).HoldersOf(0));
    }

    [Fact]
    public void A_reply_that_would_not_fit_answers_the_first_files_and_leaves_the_rest_to_be_asked_again()
    {
        var registry = WithClients(5001);
        var files = Enumerable.Range(0, 40).Select(i => Files.Complete($"f{i}", $"f{i}")).ToList();
        registry.Announce(1, [.. files]);
        var asked = Enumerable.Range(0, 40).Select(i => Asked($"f{i}")).ToList();
        int room = HoldersMany.HeadSizeBound + HoldersMany.PeerSizeBound(new HolderEntry("127.0.0.7", 5001, null)) + 10 * HoldersMany.FileSizeBound(1);

        var reply = registry.WhoHasMany(2, asked, room);

        Assert.Equal(asked.Take(10), reply.Files.Select(f => f.File));
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal([5001], reply.HoldersOf(i).Select(p => p.Port)));
        Assert.Single(registry.WhoHasMany(2, asked, 1).Files); // at least one, however small the room
    }
}
