using P2PShare.Peer.Outcomes;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Commands;

/// <summary>How a name turns into the one file meant, and when two files of that name are the user's choice.</summary>
public sealed class FileLookupTests
{
    private static readonly FileId Honest = FileId.Parse(new string('a', 64));
    private static readonly FileId Ours = FileId.Parse(new string('b', 64));

    [Fact]
    public void Our_own_changed_copy_held_by_nobody_else_is_no_rival_to_the_file_another_peer_holds()
    {
        NetworkFile[] listed = [new(Honest, "large.bin", 800, 4, 1, 0), new(Ours, "large.bin", 800, 4, 1, 0)];

        var meant = FileLookup.Resolve("large.bin", listed, f => f.Id == Ours);

        Assert.Equal(Honest, Assert.Single(meant.Select(f => f.Id).Distinct()));
    }

    [Fact]
    public void Two_files_of_one_name_held_by_other_peers_stay_the_users_choice()
    {
        NetworkFile[] listed = [new(Honest, "report.txt", 10, 4, 1, 0), new(Ours, "report.txt", 20, 4, 2, 0)];

        var e = Assert.Throws<PeerCommandException>(() => FileLookup.Resolve("report.txt", listed, _ => false));

        Assert.Equal(2, Assert.IsType<AmbiguousName>(e.Failure).Candidates.Count);
    }

    [Fact]
    public void When_every_file_of_the_name_is_only_ours_the_name_stays_ambiguous()
    {
        NetworkFile[] listed = [new(Honest, "x.bin", 10, 4, 1, 0), new(Ours, "x.bin", 20, 4, 1, 0)];

        var e = Assert.Throws<PeerCommandException>(() => FileLookup.Resolve("x.bin", listed, _ => true));

        Assert.IsType<AmbiguousName>(e.Failure);
    }
}
