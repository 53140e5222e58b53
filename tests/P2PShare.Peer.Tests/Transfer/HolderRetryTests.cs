using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Tests.Storage;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Tests.Transfer;

/// <summary>
/// A download whose holders go away: it dials them again and completes when they are back, and
/// fails only after none has been reachable for the holder wait, naming what is missing and whom it tried.
/// </summary>
public sealed class HolderRetryTests
{
    private const int Pieces = 40;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly byte[] Content = StorageTestFolder.Bytes(Pieces * TestSeeder.PieceLength, seed: 11);

    [Fact]
    public async Task A_download_fails_only_after_the_holder_wait_and_names_the_missing_pieces_and_the_holders_tried()
    {
        var gate = new PieceGate(free: 5);
        var seeder = await TestSeeder.StartAsync(Content, beforeServing: gate.WaitAsync);
        int port = seeder.Port;
        using var folder = new StorageTestFolder();
        var wait = TimeSpan.FromSeconds(1.5);
        // Listed as holding pieces 0-4 only; its own map (asked with watch::1 on connecting) says all, so which 5 arrive is not fixed.
        var firstFive = new Protocol.Files.PieceSet(Pieces);
        for (int i = 0; i < 5; i++)
            firstFive.Add(i);
        var session = Session(folder, [seeder.Entry(firstFive)], Options with { HolderWait = wait });
        var run = session.RunAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(session.GetProgress().VerifiedPieces == 5), "the first 5 pieces arrive", Deadline);

        var sinceKilled = Stopwatch.StartNew();
        await seeder.DisposeAsync(); // gone: its port refuses from now on
        var result = await run.WaitAsync(Deadline);
        sinceKilled.Stop();

        Assert.Equal(DownloadOutcome.Failed, result.Outcome);
        Assert.True(sinceKilled.Elapsed >= wait, $"it gave up after {sinceKilled.Elapsed}, before the {wait} holder wait");
        Assert.Contains("35 of 40 pieces are missing (pieces ", DownloadText.Reason(result), StringComparison.Ordinal);
        Assert.Contains("no holder has been reachable, or given a piece, for 1.5 s", DownloadText.Reason(result), StringComparison.Ordinal);
        Assert.True(DownloadText.Reason(result)!.Contains($"tried 127.0.0.1:{port} (could not connect: ", StringComparison.Ordinal), DownloadText.Reason(result));
        Assert.Contains("The 5 verified pieces are kept", DownloadText.Reason(result), StringComparison.Ordinal);
        Assert.Contains(new HolderAddress("127.0.0.1", port), result.DroppedPeers.Keys);
    }

    [Fact]
    public async Task With_nobody_connected_only_the_holder_wait_counts_not_a_shorter_stall_timeout()
    {
        var gate = new PieceGate(free: 5); // later requests wait in the seeder, so the download is never idle while it is up
        var seeder = await TestSeeder.StartAsync(Content, beforeServing: gate.WaitAsync);
        using var folder = new StorageTestFolder();
        var wait = TimeSpan.FromSeconds(1.5);
        var session = Session(folder, [seeder.Entry()], Options with { HolderWait = wait, StallTimeout = TimeSpan.FromMilliseconds(100) });
        var run = session.RunAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(session.GetProgress().VerifiedPieces == 5), "5 pieces arrive", Deadline);

        var sinceKilled = Stopwatch.StartNew();
        await seeder.DisposeAsync();
        var result = await run.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Failed, result.Outcome);
        Assert.True(sinceKilled.Elapsed >= wait, $"it gave up after {sinceKilled.Elapsed}: {DownloadText.Reason(result)}");
        Assert.StartsWith("35 of 40 pieces are missing (pieces ", DownloadText.Reason(result), StringComparison.Ordinal);
        Assert.Contains("no holder has been reachable, or given a piece, for 1.5 s", DownloadText.Reason(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_holder_killed_mid_download_and_restarted_at_the_same_port_is_dialled_again_and_the_download_completes()
    {
        var gate = new PieceGate(free: 5);
        var first = await TestSeeder.StartAsync(Content, beforeServing: gate.WaitAsync);
        int port = first.Port;
        using var folder = new StorageTestFolder();
        // No tracker to list it again: only the redial with backoff can bring it back.
        var session = Session(folder, [first.Entry()], Options);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.PeerLost += (_, _) => lost.TrySetResult();
        var run = session.RunAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(session.GetProgress().VerifiedPieces == 5), "5 pieces arrive", Deadline);

        await first.DisposeAsync();
        await lost.Task.WaitAsync(Deadline); // the download knows it lost its only holder, and goes on
        await using var again = await TestSeeder.StartAsync(Content, port);
        var result = await run.WaitAsync(Deadline);

        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.Equal(Content, File.ReadAllBytes(result.FinalPath!));
        Assert.Equal(Pieces, result.PiecesByPeer[new("127.0.0.1", port)]);
        Assert.Empty(result.DroppedPeers); // it is back, so no longer counted as dropped
    }

    [Fact]
    public async Task A_holder_the_tracker_lists_again_after_a_restart_is_dialled_at_once_not_after_its_backoff()
    {
        var gate = new PieceGate(free: 5);
        var first = await TestSeeder.StartAsync(Content, beforeServing: gate.WaitAsync);
        int port = first.Port;
        var entry = first.Entry();
        using var folder = new StorageTestFolder();
        var listed = new StrongBox<bool>(true); // the tracker lists the holder while it runs, and forgets it while it is down
        int unlistedAnswers = 0;
        var manifest = StorageTestFolder.ManifestOf(Content, TestSeeder.PieceLength);
        // A backoff far beyond the test's deadline: only the tracker's listing can bring the holder back in time.
        var options = Options with { HolderRetryInitialDelay = TimeSpan.FromMinutes(5), HolderRetryMaxDelay = TimeSpan.FromMinutes(5), HolderWait = TimeSpan.FromMinutes(5), HolderRefreshInterval = TimeSpan.FromMilliseconds(50) };
        var session = new DownloadSession(manifest.Id, "file.bin", Content.Length, [entry], folder.Open(TestSeeder.PieceLength), options, 0, NullLogger.Instance,
            _ =>
            {
                if (Volatile.Read(ref listed.Value))
                    return Task.FromResult<IReadOnlyList<HolderEntry>>([entry]);
                Interlocked.Increment(ref unlistedAnswers);
                return Task.FromResult<IReadOnlyList<HolderEntry>>([]);
            });
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        session.PeerLost += (_, _) => lost.TrySetResult();
        var run = session.RunAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(session.GetProgress().VerifiedPieces == 5), "5 pieces arrive", Deadline);

        Volatile.Write(ref listed.Value, false);
        await first.DisposeAsync();
        await lost.Task.WaitAsync(Deadline);
        int before = Volatile.Read(ref unlistedAnswers);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref unlistedAnswers) > before), "the download hears from the tracker that the holder is gone", Deadline);
        await using var restarted = await TestSeeder.StartAsync(Content, port);
        Volatile.Write(ref listed.Value, true);
        var result = await run.WaitAsync(Deadline);

        Assert.True(result.Outcome == DownloadOutcome.Completed, $"{result.Outcome}: {DownloadText.Reason(result)}");
        Assert.Equal(Content, File.ReadAllBytes(result.FinalPath!));
    }

    [Fact]
    public async Task A_holder_that_sent_a_corrupt_piece_is_never_dialled_again()
    {
        var log = new ListLogger();
        await using var liar = await TestSeeder.StartAsync(Content, 0, CorruptPieces.Wrap, log);
        using var folder = new StorageTestFolder();
        var session = Session(folder, [liar.Entry()], Options with { HolderWait = TimeSpan.FromSeconds(1) });

        var result = await session.RunAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Failed, result.Outcome);
        Assert.Contains("(it sent a corrupt piece", DownloadText.Reason(result), StringComparison.Ordinal);
        // A second of waiting with a 50 ms backoff would have dialled a merely lost holder many times.
        Assert.Single(log.Lines, l => l.Text.Contains("accepted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_download_whose_reachable_holders_lack_the_missing_pieces_fails_after_the_stall_timeout_naming_them()
    {
        await using var partial = await TestSeeder.StartPartialAsync(Content, Enumerable.Range(0, 5));
        using var folder = new StorageTestFolder();
        var stall = TimeSpan.FromSeconds(1);
        var have = new Protocol.Files.PieceSet(Pieces);
        for (int i = 0; i < 5; i++)
            have.Add(i);
        var session = Session(folder, [partial.Entry(have)], Options with { StallTimeout = stall });

        var result = await session.RunAsync(CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Failed, result.Outcome);
        Assert.True(DownloadText.Reason(result)!.StartsWith("35 of 40 pieces are missing (pieces 5-39): none of the 1 reachable holder(s) has them (nothing to fetch for 1 s)", StringComparison.Ordinal), DownloadText.Reason(result));
        Assert.True(result.Elapsed >= stall, $"it gave up after {result.Elapsed}");
        Assert.Equal(5, result.PiecesByPeer[new("127.0.0.1", partial.Port)]);
    }

    private static PeerOptions Options => new()
    {
        BindAddress = IPAddress.Loopback,
        HolderRetryInitialDelay = TimeSpan.FromMilliseconds(50),
        HolderRetryMaxDelay = TimeSpan.FromMilliseconds(200),
        StatePersistInterval = TimeSpan.Zero,
    };

    private static DownloadSession Session(StorageTestFolder folder, IReadOnlyList<HolderEntry> holders, PeerOptions options)
    {
        var manifest = StorageTestFolder.ManifestOf(Content, TestSeeder.PieceLength);
        return new DownloadSession(manifest.Id, "file.bin", Content.Length, holders, folder.Open(TestSeeder.PieceLength), options, 0, NullLogger.Instance);
    }
}
