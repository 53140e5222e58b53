using Microsoft.Extensions.Logging;
using P2PShare.Peer.Outcomes;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Testing;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary>A folder's batch that breaks down with a fault of its own (not a stop): said once, and its files go the ordinary way.</summary>
public sealed class FolderBatchFaultTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly string[] Names = ["small/a.txt", "small/b.txt"];

    [Fact]
    public async Task A_batch_that_faults_is_logged_once_as_a_warning_with_its_reason_and_every_file_goes_the_ordinary_way()
    {
        using var folder = new StorageTestFolder();
        var repository = folder.Open();
        var log = new ListLogger();
        var batch = new FolderBatch(repository, new PeerOptions(),
            (_, _, _) => throw new InvalidOperationException("the look-up broke"),
            (_, _) => throw new InvalidOperationException("the look-up broke"),
            (_, _) => throw new InvalidOperationException("never dialled"),
            () => { }, (_, _, _) => { }, log);
        var files = Names.Select((name, i) =>
        {
            var manifest = StorageTestFolder.ManifestOf(StorageTestFolder.Bytes(100 + i, seed: i), 64 * 1024);
            IReadOnlyList<NetworkFile> shapes = [new NetworkFile(manifest.Id, name, manifest.Length, manifest.PieceLength, 1, 0)];
            return (name, shapes, (PeerFailure?)null);
        }).ToList();
        var startedOrdinarily = new List<string>();
        var download = new FolderDownload("small/", files, (shapes, _) =>
        {
            lock (startedOrdinarily)
                startedOrdinarily.Add(shapes[0].Name);
            throw new PeerCommandException(new NoHolder(shapes[0].Name, shapes[0].Id, AnyMore: false));
        }, batch, log);

        var result = await download.Completion.WaitAsync(Deadline);

        Assert.Equal(Names, startedOrdinarily.Order(StringComparer.Ordinal));
        Assert.Equal(2, result.Failed.Count());
        var warnings = log.Lines.Where(l => l.Level == LogLevel.Warning).ToList();
        Assert.Single(warnings);
        Assert.Contains("the look-up broke", warnings[0].Text, StringComparison.Ordinal);
    }
}
