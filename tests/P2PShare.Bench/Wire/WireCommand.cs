using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using P2PShare.Bench.Swarm;
using P2PShare.Protocol;
using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Security;

namespace P2PShare.Bench.Wire;

/// <summary>
/// The <c>wire</c> benchmark: what moving a file's pieces costs on the wire alone, open against TLS, in
/// one run. A <c>wire-serve</c> process serves a file's pieces as the piece server does; this process
/// reads them as frames, as a download does, without hashing or writing them, so the figures are the
/// transport's: CPU seconds per GiB of each end, and the time.
/// </summary>
internal static class WireCommand
{
    public static Command Create()
    {
        var sizeMib = new Option<int>("--size-mib") { DefaultValueFactory = _ => 1024, Description = "Size of the generated file in MiB." };
        var runs = new Option<int>("--runs") { DefaultValueFactory = _ => 3, Description = "Repetitions of the open and the TLS transfer, in turn; medians are printed." };
        var tempRoot = new Option<string>("--temp") { DefaultValueFactory = _ => Path.GetTempPath(), Description = "Folder for the file (deleted afterwards)." };
        var command = new Command("wire", "CPU per GiB of the transport alone (piece frames over loopback), open against TLS, each end in its own process.") { sizeMib, runs, tempRoot };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string root = Path.Combine(parse.GetValue(tempRoot)!, $"p2pshare-wire-{Environment.ProcessId}");
            Directory.CreateDirectory(root);
            try
            {
                string file = Path.Combine(root, "wire.bin");
                long size = parse.GetValue(sizeMib) * 1024L * 1024;
                BenchFiles.WriteRandom(file, size);
                return await RunAsync(file, size, Math.Max(1, parse.GetValue(runs)));
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(string file, long size, int runs)
    {
        string secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var figures = new Dictionary<bool, List<(double Wall, double Receiver, double Sender)>> { [false] = [], [true] = [] };
        for (int run = 1; run <= runs; run++)
        {
            foreach (bool tls in new[] { false, true })
            {
                var f = await TransferAsync(file, size, tls ? secret : null);
                figures[tls].Add(f);
                Console.WriteLine(Invariant($"run {run} {(tls ? "tls " : "open")}: {f.Wall:0.00} s, receiver CPU {f.Receiver:0.00} s, sender CPU {f.Sender:0.00} s; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
            }
        }
        double Med(bool tls, Func<(double Wall, double Receiver, double Sender), double> pick) => Median(figures[tls].Select(pick));
        double gib = size / (1024.0 * 1024 * 1024);
        Console.WriteLine(Invariant($"wire: open_s={Med(false, f => f.Wall):0.00} tls_s={Med(true, f => f.Wall):0.00} open_recv_cpu_per_gib={Med(false, f => f.Receiver) / gib:0.00} tls_recv_cpu_per_gib={Med(true, f => f.Receiver) / gib:0.00} open_send_cpu_per_gib={Med(false, f => f.Sender) / gib:0.00} tls_send_cpu_per_gib={Med(true, f => f.Sender) / gib:0.00}"));
        return 0;
    }

    private static async Task<(double Wall, double Receiver, double Sender)> TransferAsync(string file, long size, string? secret)
    {
        string[] args = ["--file", file, .. secret is null ? Array.Empty<string>() : ["--secret", secret]];
        using var server = BenchProcess.Start("wire-serve", AppContext.BaseDirectory, "P2PShare.Bench", [WireServeCommand.Name, .. args]);
        string line = await server.WaitForLineAsync(WireServeCommand.ListeningLine, TimeSpan.FromMinutes(1));
        int port = int.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using (var client = new TcpClient { NoDelay = true })
        {
            await client.ConnectAsync("127.0.0.1", port);
            var secured = await TransportSecurity.ConnectAsync(client.GetStream(), secret is null ? null : new SharedSecret(secret), TimeSpan.FromSeconds(10), CancellationToken.None);
            await using var stream = secured.Stream;
            using var reader = new FrameStreamReader(stream, ProtocolLimits.Default);
            long received = 0;
            while (received < size)
            {
                using var frame = await reader.ReadAsync(CancellationToken.None) ?? throw new EndOfStreamException($"closed after {received} of {size} bytes");
                received += frame.Payload.Length;
            }
        }
        double wall = clock.Elapsed.TotalSeconds;
        double receiver = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        string done = await server.WaitForLineAsync(WireServeCommand.DoneLine, TimeSpan.FromMinutes(1));
        double sender = double.Parse(done[(done.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        return (wall, receiver, sender);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
