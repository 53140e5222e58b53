using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// Two fetches of one folder (or of a folder and one inside it) into one repository would each fail the
/// files the other holds: the second is refused, naming the fetch that runs, whether that one is this
/// peer's or another process's on the same folder; once it has ended the same request runs.
/// </summary>
public sealed class FolderFetchOverlapTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    // A holder of small/0/a.bin, small/0/b.bin and small/1/c.bin that serves nothing until `open` is set.
    private static async Task<PeerNetwork> NetworkAsync(Task open)
    {
        var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var holder = net.Options("holder");
        foreach (var (name, seed) in new[] { ("small/0/a.bin", 1), ("small/0/b.bin", 2), ("small/1/c.bin", 3) })
        {
            string path = Path.Combine(holder.RepositoryPath!, name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, TestFiles.Random(5_000 + seed, seed));
        }
        await net.StartPeerAsync(holder, parts: new PeerParts { ServeThrough = GatedPieces.Wrap(ct => open.WaitAsync(ct)) });
        return net;
    }

    [Fact]
    public async Task A_second_fetch_of_the_same_folder_or_of_one_inside_it_is_refused_naming_the_first_and_runs_once_it_has_ended()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var net = await NetworkAsync(open.Task);
        var peer = await net.StartPeerAsync(net.Options("getter"));
        var first = await peer.RequestFolderAsync("small/", CancellationToken.None);

        var same = await Assert.ThrowsAsync<PeerCommandException>(() => peer.RequestFolderAsync("small/", CancellationToken.None));
        var inside = await Assert.ThrowsAsync<PeerCommandException>(() => peer.RequestFolderAsync("small/0/", CancellationToken.None));
        open.SetResult();
        Assert.True((await first.Completion.WaitAsync(Deadline)).IsComplete);
        var again = await (await peer.RequestFolderAsync("small/", CancellationToken.None)).Completion.WaitAsync(Deadline);

        string root = peer.Repository.Root;
        Assert.Equal(new FolderBeingFetched("small/", "small/", FolderFetchOverlap.Same, root), same.Failure);
        Assert.Equal(new FolderBeingFetched("small/0/", "small/", FolderFetchOverlap.Around, root), inside.Failure);
        Assert.StartsWith($"'small/0/' is part of 'small/', which is being fetched into {root} already", FailureText.Of(inside), StringComparison.Ordinal);
        Assert.Equal((0, 3), (again.Fetched, again.AlreadyPresent));
    }

    [Fact]
    public async Task A_fetch_of_a_folder_around_one_another_process_fetches_into_the_same_repository_is_refused()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var net = await NetworkAsync(open.Task);
        var shared = net.Options("getter");
        var one = await net.StartPeerAsync(shared);
        var other = await net.StartPeerAsync(net.Options("getter") with { RepositoryPath = shared.RepositoryPath }); // as a second process would
        var first = await one.RequestFolderAsync("small/0/", CancellationToken.None);

        var around = await Assert.ThrowsAsync<PeerCommandException>(() => other.RequestFolderAsync("small/", CancellationToken.None));
        var beside = await other.RequestFolderAsync("small/1/", CancellationToken.None); // no overlap: runs
        open.SetResult();
        var results = await Task.WhenAll(first.Completion, beside.Completion).WaitAsync(Deadline);

        Assert.Equal(new FolderBeingFetched("small/", "small/", FolderFetchOverlap.Inside, one.Repository.Root), around.Failure);
        Assert.All(results, r => Assert.True(r.IsComplete, FolderText.Summary(r, "again")));
        Assert.Empty(results.SelectMany(r => r.Failed));
    }
}
