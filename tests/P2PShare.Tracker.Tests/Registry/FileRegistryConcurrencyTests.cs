using System.Net;
using P2PShare.Protocol.Messages;
using P2PShare.Tracker.Registry;
using P2PShare.Tracker.Tests.Support;

namespace P2PShare.Tracker.Tests.Registry;

public sealed class FileRegistryConcurrencyTests
{
    private const int Clients = 6;
    private const int FilesPerSet = 20;
    private const int AnnouncesPerClient = 400;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static FileEntry[] Set(string tag) =>
        [.. Enumerable.Range(0, FilesPerSet).Select(i => Files.Complete($"{tag}-{i:D2}.bin", $"{tag}{i}"))];

    [Fact]
    public async Task Lookups_see_every_announce_whole_while_announces_run_on_other_threads()
    {
        var registry = new FileRegistry();
        FileEntry[] a = Set("a"), b = Set("b");
        for (int c = 1; c <= Clients; c++)
        {
            registry.Join(c, new IPEndPoint(IPAddress.Loopback, 5000 + c));
            registry.Announce(c, a);
        }
        // Every client flips between holding all of set a and all of set b, one announce each time.
        var writers = Enumerable.Range(1, Clients).Select(c => Task.Run(() =>
        {
            for (int round = 1; round <= AnnouncesPerClient; round++)
                Assert.True(registry.Announce(c, round % 2 == 1 ? b : a).AllAccepted);
        })).ToArray();
        var writing = Task.WhenAll(writers);

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            int looks = 0;
            do
            {
                // Any one answer is one state: each client holds exactly one whole set.
                var list = registry.List();
                int inA = HoldersOfWholeSet(list, "a"), inB = HoldersOfWholeSet(list, "b");
                Assert.Equal(Clients, inA + inB);
                var holders = registry.WhoHas(0, b[FilesPerSet - 1].Id);
                Assert.Equal(holders?.Peers.Count ?? 0, holders?.Peers.Select(p => p.Port).Distinct().Count() ?? 0);
                looks++;
            }
            while (!writing.IsCompleted);
            return looks;
        })).ToArray();

        await writing.WaitAsync(Deadline);
        int[] looked = await Task.WhenAll(readers).WaitAsync(Deadline);

        Assert.All(looked, n => Assert.True(n > 0));
        Assert.Equal(Clients, HoldersOfWholeSet(registry.List(), "a")); // the last announce of each was set a
    }

    // How many clients hold the files named TAG-..., checking every file of the set has that many.
    private static int HoldersOfWholeSet(IReadOnlyList<NetworkFile> list, string tag)
    {
        var counts = list.Where(f => f.Name.StartsWith(tag + "-", StringComparison.Ordinal)).Select(f => f.CompleteHolders + f.PartialHolders).ToList();
        if (counts.Count == 0)
            return 0;
        Assert.Equal(FilesPerSet, counts.Count);
        Assert.Single(counts.Distinct());
        return counts[0];
    }
}
