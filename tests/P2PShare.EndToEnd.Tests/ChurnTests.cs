using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using P2PShare.Protocol.Files;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// Chaos with real processes: two seeders (`serve`) are SIGKILLed and restarted at the same port
/// again and again while a `get` downloads from them, once both at the same moment, and the tracker
/// is killed and restarted once. Each kill waits for the download to have passed a mark, so the
/// schedule is set by progress, not by the clock. The download must end byte-identical, promptly.
/// </summary>
public sealed partial class ChurnTests
{
    private const int PieceLength = 16 * 1024;
    private const int Pieces = 768; // 12 MiB
    private const string ServeMbps = "1"; // each seeder; both: ~6 s of transfer without faults
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly string[] Reconnect = ["--reconnect-delay", "0.05", "--reconnect-max-delay", "0.3"];

    [Fact]
    public async Task Get_completes_byte_identical_while_its_seeders_are_killed_and_restarted_and_the_tracker_once()
    {
        using var folder = new TempFolder();
        var content = TestFiles.Random(Pieces * PieceLength, seed: 77);
        var id = ManifestOf(content).Id;
        using var tracker = new Restartable(folder.Path, port => ["P2PShare.Tracker", "--port", port, "--host", "127.0.0.1", "--discovery-port", "0", "--log-level", "Warning"], "listening on");
        string trackerPort = PortOutsideEphemeralRange();
        string trackerAddress = TrackerAddress().Match(await tracker.StartAsync(trackerPort, Deadline)).Value;
        var seeders = new List<Restartable>();
        try
        {
            var ports = new List<string>();
            foreach (var name in new[] { "a", "b" })
            {
                string repo = folder.Sub(name);
                TestFiles.Write(repo, "big.bin", content);
                var seeder = new Restartable(folder.Path, port => ["P2PShare.TestPeer", "--serve-mbps", ServeMbps, "serve", "--port", port, "--bind", "127.0.0.1", "--repo", repo,
                    "--tracker", trackerAddress, "--piece-length", PieceLength.ToString(CultureInfo.InvariantCulture), .. Reconnect], "Sharing");
                seeders.Add(seeder);
                ports.Add(PortOutsideEphemeralRange());
                await seeder.StartAsync(ports[^1], Deadline);
            }
            string getRepo = folder.Sub("get");
            var clock = Stopwatch.StartNew();
            using var get = RunningProcess.Start("P2PShare.Peer", folder.Path, ["get", "big.bin", "--port", "0", "--bind", "127.0.0.1", "--repo", getRepo, "--tracker", trackerAddress, .. Reconnect]);
            await get.WaitForLineAsync("Downloading 'big.bin'", Deadline);

            // At each mark (a share of the pieces verified on disk), kill and restart: a, b, both, the tracker, a, b, both.
            var schedule = new (double Mark, string What)[] { (0.10, "a"), (0.22, "b"), (0.34, "ab"), (0.46, "tracker"), (0.58, "a"), (0.70, "b"), (0.82, "ab") };
            foreach (var (mark, what) in schedule)
            {
                int pieces = (int)(mark * Pieces);
                string final = Path.Combine(getRepo, "big.bin");
                // On a loaded machine a restart can take seconds, and the download may finish meanwhile: then the rest of the schedule has nothing left to hit.
                await Eventually.TrueAsync(() => Task.FromResult(File.Exists(final) || DownloadOnDisk.Verified(getRepo, id, Pieces).Present >= pieces),
                    $"{pieces} pieces are verified before killing {what} ({clock.Elapsed.TotalSeconds:0.0} s in)\n{get.Output}\n{get.Errors}", Deadline);
                if (File.Exists(final))
                    break;
                if (what == "tracker")
                {
                    await tracker.StartAsync(trackerPort, Deadline, killFirst: true);
                    continue;
                }
                var killed = what.Select(c => c - 'a').ToList();
                foreach (int s in killed)
                    await seeders[s].KillAsync(Deadline);
                foreach (int s in killed)
                    await seeders[s].StartAsync(ports[s], Deadline);
            }

            Assert.Equal(0, await get.WaitForExitAsync(Deadline));
            clock.Stop();
            await get.WaitForLineAsync("Downloaded 'big.bin'", Deadline);
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(getRepo, "big.bin")));
            Assert.Contains($"Lost peer 127.0.0.1:{ports[0]} for 'big.bin'", get.Output, StringComparison.Ordinal);
            Assert.Contains($"Lost peer 127.0.0.1:{ports[1]} for 'big.bin'", get.Output, StringComparison.Ordinal);
            // ~6 s of serving at the capped rate plus the restarts; a tail left to crawl (holders never re-added) runs into the deadline.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"the download took {clock.Elapsed}");
        }
        finally
        {
            foreach (var seeder in seeders)
                seeder.Dispose(); // killed, even when the test fails half-way
        }
    }

    private static Manifest ManifestOf(byte[] content)
    {
        var hashes = new byte[Pieces * Manifest.HashLength];
        for (int i = 0; i < Pieces; i++)
            SHA256.HashData(content.AsSpan(i * PieceLength, PieceLength), hashes.AsSpan(i * Manifest.HashLength, Manifest.HashLength));
        return Manifest.Create(content.Length, PieceLength, hashes);
    }

    /// <summary>
    /// A free port below the range the OS hands out for port 0 and outgoing connections: a killed
    /// program's ephemeral port could be taken by any connection (other tests bind thousands) before
    /// it restarts there, and a fetcher redialling a free ephemeral port can even connect to itself.
    /// </summary>
    private static string PortOutsideEphemeralRange()
    {
        int low = 32768;
        try
        {
            low = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux: 32768 is below the start of both Linux's range and the IANA one (49152).
        }
        for (int attempt = 0; ; attempt++)
        {
            int port = Random.Shared.Next(Math.Max(1024, low - 12000), low);
            try
            {
                var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port.ToString(CultureInfo.InvariantCulture);
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 50)
            {
                // Taken: try another.
            }
        }
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex TrackerAddress();

    /// <summary>One program that a test kills (SIGKILL) and starts again with the same arguments but the port.</summary>
    private sealed class Restartable(string folder, Func<string, string[]> command, string readyLine) : IDisposable
    {
        private RunningProcess? _process;

        /// <summary>Starts it on <paramref name="port"/> and returns its ready line; <paramref name="killFirst"/> kills the running one first.</summary>
        public async Task<string> StartAsync(string port, TimeSpan timeout, bool killFirst = false)
        {
            if (killFirst)
                await KillAsync(timeout);
            var args = command(port);
            _process = RunningProcess.Start(args[0], folder, args[1..]);
            return await _process.WaitForLineAsync(readyLine, timeout);
        }

        public async Task KillAsync(TimeSpan timeout)
        {
            if (_process is null)
                return;
            await _process.KillAsync(timeout);
            _process.Dispose();
            _process = null;
        }

        public void Dispose() => _process?.Dispose();
    }
}
