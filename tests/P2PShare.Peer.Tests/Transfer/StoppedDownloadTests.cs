using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Storage;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary>A download stopped by the user says exactly what it kept.</summary>
public sealed class StoppedDownloadTests
{
    private const int Pieces = 20;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly byte[] Content = StorageTestFolder.Bytes(Pieces * TestSeeder.PieceLength, seed: 31);
    private static readonly byte[] CancelOnTheWire = Encoding.ASCII.GetBytes($"type::{CancelRequest.TypeName};");

    [Fact]
    public async Task A_piece_being_written_when_the_stop_comes_is_counted_among_the_pieces_kept()
    {
        // A tester saw 'Stopped: 433 of 1200 pieces verified and kept', then 'Resuming: 435 … already verified'.
        var gate = new PieceGate(free: 3); // the next request stays unanswered, so the stop cancels it on the wire
        await using var seeder = await TestSeeder.StartAsync(Content, beforeServing: gate.WaitAsync);
        var stopReachedTheConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var tap = TcpRelay.Start(new IPEndPoint(IPAddress.Loopback, seeder.Port), (chunk, toServer) =>
        {
            if (toServer && chunk.IndexOf(CancelOnTheWire) >= 0)
                stopReachedTheConnection.TrySetResult();
            return true;
        });
        using var folder = new StorageTestFolder();
        using var stop = new CancellationTokenSource();
        int writes = 0;
        // The third piece's write waits until the download has acted on the stop (its request in flight is
        // cancelled), as a slow disk may: a count made before the write ends misses that piece.
        var repository = new Repository(folder.Root, NullLogger.Instance, TestSeeder.PieceLength, beforeDiskWrite: path =>
        {
            if (path.EndsWith(".part", StringComparison.Ordinal) && Interlocked.Increment(ref writes) == 3)
            {
                stop.Cancel();
                stopReachedTheConnection.Task.Wait(Deadline);
            }
        });
        using (repository)
        {
            var options = new PeerOptions { BindAddress = IPAddress.Loopback, StatePersistInterval = TimeSpan.Zero, RequestsInFlightPerPeer = 1 };
            var session = new DownloadSession(seeder.Manifest.Id, "file.bin", Content.Length, [new HolderEntry("127.0.0.1", tap.Port, null)], repository, options, 0, NullLogger.Instance);

            var result = await session.RunAsync(stop.Token).WaitAsync(Deadline);

            Assert.Equal(DownloadOutcome.Stopped, result.Outcome);
            Assert.True(repository.TryGet(seeder.Manifest.Id, out var part));
            Assert.Equal(part!.Snapshot().Present, result.PiecesByPeer.Values.Sum());
            Assert.True(result.PiecesByPeer.Values.Sum() >= 3, "the piece under way when the stop came is kept");
        }
    }
}
