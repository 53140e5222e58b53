using P2PShare.Peer.Commands;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A folder's files already in the getter's shared folder, which its scan hashed under another piece
/// length than the sharer's: `get dir/` counts them already present and fetches nothing.
/// </summary>
public sealed class FolderAlreadyPresentTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Files_already_here_under_our_own_piece_length_count_as_already_present_and_are_not_fetched_again()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var files = new[] { ("dir/a.bin", TestFiles.Random(300_000, seed: 21)), ("dir/sub/b.bin", TestFiles.Random(70_000, seed: 22)) };
        var sharerOptions = net.Options("sharer"); // pieces of 64 KiB
        var getterOptions = net.Options("getter") with { PieceLength = 16 * 1024 };
        foreach (var (name, content) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(sharerOptions.RepositoryPath!, name))!);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(getterOptions.RepositoryPath!, name))!);
            TestFiles.Write(sharerOptions.RepositoryPath!, name, content);
            TestFiles.Write(getterOptions.RepositoryPath!, name, content);
        }
        await net.StartPeerAsync(sharerOptions);
        var getter = await net.StartPeerAsync(getterOptions);

        var result = await (await getter.RequestFolderAsync("dir/", CancellationToken.None)).Completion.WaitAsync(Deadline);

        Assert.True(result.IsComplete, FolderText.Summary(result, "again"));
        Assert.Equal((0, 2, 0L), (result.Fetched, result.AlreadyPresent, result.BytesReceived));
        // One id per name: the getter now shares each file under the network's id, beside the sharer.
        await Eventually.TrueAsync(() => Task.FromResult(files.All(f => net.Tracker.Registry.List(f.Item1) is [{ CompleteHolders: 2 }])),
            "the tracker lists each file once, with both holders", Deadline);
    }
}
