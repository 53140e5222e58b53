using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Network;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A folder stopped part way: the stop ends cleanly even when some of its files have ended already, and
/// the summary counts every verified byte of the run (a batch file placed, a file fetched whole, the
/// pieces of the file still under way).
/// </summary>
public sealed class FolderStopTests
{
    private const int PieceLength = 64 * 1024;
    private const int ServedOfHeld = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static readonly (string Name, byte[] Content)[] Files =
    [
        ("album/small.txt", TestFiles.Random(1_000, seed: 1)),              // one piece: the batch
        ("album/whole.bin", TestFiles.Random(3 * PieceLength + 7, seed: 2)), // 4 pieces: a download of its own, finished
        ("album/held.bin", TestFiles.Random(10 * PieceLength, seed: 3)),     // 10 pieces: 3 served, the rest held back
    ];

    [Fact]
    public async Task A_stopped_folder_whose_other_files_have_ended_stops_cleanly_and_counts_every_verified_byte()
    {
        await using var net = new PeerNetwork();
        await net.StartTrackerAsync();
        var seeder = net.Options("seeder");
        foreach (var (name, content) in Files)
        {
            string path = Path.Combine(seeder.RepositoryPath!, name.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, content);
        }
        await net.StartPeerAsync(seeder, parts: new PeerParts { ServeThrough = inner => new HoldBack(inner, Files[2].Content.Length, ServedOfHeld) });
        var downloader = await net.StartPeerAsync(net.Options("getter"));

        var folder = await downloader.RequestFolderAsync("album/", CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(folder.GetProgress() is { Files.Done: 2, VerifiedPieces: 1 + 4 + ServedOfHeld }),
            "the two small files are done and the held file has its free pieces", Deadline);
        await downloader.StopDownloadsAsync().WaitAsync(Deadline); // whole.bin's download has ended: stopping it again is no error
        var stopped = await folder.Completion.WaitAsync(Deadline);

        long verified = Files[0].Content.Length + Files[1].Content.Length + (long)ServedOfHeld * PieceLength;
        Assert.Equal(DownloadOutcome.Stopped, stopped.Outcome);
        Assert.Equal((2, 1), (stopped.Fetched, stopped.Stopped));
        Assert.Equal(verified, stopped.BytesReceived);
        Assert.StartsWith($"Stopped folder 'album/': 3 files, 2 fetched, 0 already present, 1 stopped ({Units.Bytes(verified)} in ",
            FolderText.Summary(stopped, "again"), StringComparison.Ordinal);
    }

    // Serves every file but one whole; of that one (known by its length) the first pieces asked for, the rest never.
    private sealed class HoldBack(IPieceSource inner, long heldLength, int served) : IPieceSource
    {
        private int _asked;

        public Manifest? FindManifest(FileId file) => inner.FindManifest(file);

        public PieceSet? FindPieces(FileId file) => inner.FindPieces(file);

        public async ValueTask<PieceAnswer> GetPieceAsync(FileId file, int piece, CancellationToken cancellationToken)
        {
            if (inner.FindManifest(file)?.Length == heldLength && Interlocked.Increment(ref _asked) > served)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            return await inner.GetPieceAsync(file, piece, cancellationToken);
        }
    }
}
