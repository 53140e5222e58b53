using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A hostile client on the tracker (issue 11, holes 6 and 7): it squats the honest files' ids with
/// wrong lengths and floods the list, and the real `serve` and `get` programs carry on regardless.
/// </summary>
public sealed partial class HostileTrackerClientTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private const int PieceLength = 64 * 1024;

    [Fact]
    public async Task A_squatting_flooding_client_neither_stops_an_honest_serve_sharing_every_file_nor_a_get_by_name()
    {
        using var folder = new TempFolder();
        var report = TestFiles.Random(3 * PieceLength + 11, seed: 7);
        var notes = TestFiles.Random(1000, seed: 8);
        var seederRepo = folder.Sub("seeder");
        TestFiles.Write(seederRepo, "report.pdf", report);
        TestFiles.Write(seederRepo, "notes.txt", notes);
        using var tracker = RunningProcess.Start("P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1", "--no-discovery");
        string trackerAddress = TrackerAddress().Match(await tracker.WaitForLineAsync("listening on", Deadline)).Value;
        int trackerPort = int.Parse(trackerAddress.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);

        // Three connections (one host may hold many), each squatting both ids under their own names
        // with a wrong length, then 25,000 more entries: together far more than one frame of list.
        var hostiles = new List<MessageChannel>();
        try
        {
            for (int h = 0; h < 3; h++)
            {
                var squats = new[]
                {
                    new FileEntry(IdOf(report), "report.pdf", 999_999_999, PieceLength, null),
                    new FileEntry(IdOf(notes), "notes.txt", 5, PieceLength, null),
                };
                var flood = Enumerable.Range(0, 25_000).Select(i => new FileEntry(FloodId(h, i), $"h{h}-{i:D5}", 1, 1, null));
                var (channel, ok) = await JoinAndAnnounceAsync(trackerPort, [.. squats, .. flood]);
                hostiles.Add(channel);
                Assert.Equal(15_002, ok.RefusedCount); // past the 10,000-file limit; the squats themselves are taken as claims
            }

            using var seeder = RunningProcess.Start("P2PShare.Peer", folder.Path, "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", seederRepo,
                "--tracker", trackerAddress, "--piece-length", $"{PieceLength}");
            await seeder.WaitForLineAsync("Sharing 2 files", Deadline);

            var getterRepo = folder.Sub("getter");
            using var getter = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", "report.pdf", "--port", "0", "--bind", "127.0.0.1", "--repo", getterRepo,
                "--tracker", trackerAddress);
            Assert.True(0 == await getter.WaitForExitAsync(Deadline), $"get failed:\n{getter.Output}\n{getter.Errors}");
            Assert.Equal(report, File.ReadAllBytes(Path.Combine(getterRepo, "report.pdf")));
            Assert.DoesNotContain("did not list", seeder.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("rejected", seeder.Output + seeder.Errors, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var channel in hostiles)
                channel.Dispose();
        }
    }

    [Fact]
    public async Task Serve_prints_a_line_for_each_file_the_tracker_refuses_and_shares_the_rest()
    {
        using var folder = new TempFolder();
        var seederRepo = folder.Sub("seeder");
        var first = TestFiles.Random(5000, seed: 1);
        TestFiles.Write(seederRepo, "a.txt", first);
        TestFiles.Write(seederRepo, "b.txt", TestFiles.Random(6000, seed: 2));
        TestFiles.Write(seederRepo, "c.txt", TestFiles.Random(7000, seed: 3));
        using var tracker = RunningProcess.Start("P2PShare.Tracker", folder.Path, "--port", "0", "--host", "127.0.0.1", "--no-discovery", "--max-files-per-peer", "1");
        string trackerAddress = TrackerAddress().Match(await tracker.WaitForLineAsync("listening on", Deadline)).Value;

        using var seeder = RunningProcess.Start("P2PShare.Peer", folder.Path, "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", seederRepo, "--tracker", trackerAddress);
        await seeder.WaitForLineAsync("Sharing 3 files", Deadline);

        var refusals = seeder.Output.Split('\n').Where(l => l.StartsWith("The tracker did not list", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, l => Assert.Contains("over this tracker's limit of 1 files per peer. The other files are shared.", l, StringComparison.Ordinal));
        Assert.Contains(refusals, l => l.Contains("'b.txt'", StringComparison.Ordinal));
        var getterRepo = folder.Sub("getter");
        using var getter = RunningProcess.Start("P2PShare.Peer", folder.Path, "get", "a.txt", "--port", "0", "--bind", "127.0.0.1", "--repo", getterRepo, "--tracker", trackerAddress);
        Assert.True(0 == await getter.WaitForExitAsync(Deadline), $"get failed:\n{getter.Output}\n{getter.Errors}");
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(getterRepo, "a.txt")));
    }

    private static async Task<(MessageChannel Channel, Ok Reply)> JoinAndAnnounceAsync(int trackerPort, IReadOnlyList<FileEntry> files)
    {
        var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, trackerPort).WaitAsync(Deadline);
        var channel = new MessageChannel(tcp.GetStream());
        // A port nobody listens on: a downloader that tries it is refused at once.
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        int port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await Handshake.GreetAsync(channel, new Hello(ProtocolLimits.CurrentVersion, PeerRole.Peer, port, "hostile"), null, Deadline, CancellationToken.None);
        _ = channel.RunAsync((incoming, _) => { incoming.Dispose(); return Task.CompletedTask; }, Timeout.InfiniteTimeSpan);
        var (ok, raw) = await channel.RequestAsync<Ok>(new Announce(files), Deadline).WaitAsync(Deadline);
        raw.Dispose();
        return (channel, ok);
    }

    private static FileId IdOf(byte[] content)
    {
        int pieces = Manifest.CountPieces(content.Length, PieceLength);
        var hashes = new byte[pieces * Manifest.HashLength];
        for (int i = 0; i < pieces; i++)
            SHA256.HashData(content.AsSpan(i * PieceLength, Manifest.PieceSize(content.Length, PieceLength, i)), hashes.AsSpan(i * Manifest.HashLength));
        return Manifest.Create(content.Length, PieceLength, hashes).Id;
    }

    private static FileId FloodId(int host, int index) => FileId.OfManifestBytes(BitConverter.GetBytes(host * 1_000_000L + index));

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex TrackerAddress();
}
