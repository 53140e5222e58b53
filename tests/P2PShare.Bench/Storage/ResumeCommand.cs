using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Storage;
using P2PShare.Protocol.Files;

namespace P2PShare.Bench.Storage;

/// <summary>
/// The <c>resume</c> benchmark: what reopening a large download costs when a crash left pieces written
/// but not recorded (found through the sparse .part's data ranges and hashed), against reopening the
/// same download whose state lists every written piece. In-process, on the storage layer alone.
/// </summary>
internal static class ResumeCommand
{
    public static Command Create()
    {
        var sizeMib = new Option<int>("--size-mib") { Description = "Length of the download in MiB.", DefaultValueFactory = _ => 4096 };
        var recordedPercent = new Option<int>("--recorded-percent") { Description = "Share of the pieces written and recorded (scattered at random).", DefaultValueFactory = _ => 25 };
        var unrecorded = new Option<int>("--unrecorded") { Description = "Pieces written after the last state write (lost by a crash before recovery).", DefaultValueFactory = _ => 300 };
        var runs = new Option<int>("--runs") { Description = "Reopens of each kind, interleaved; medians printed.", DefaultValueFactory = _ => 5 };
        var tempRoot = new Option<string>("--temp") { Description = "Folder for the temporary files (deleted afterwards).", DefaultValueFactory = _ => Path.GetTempPath() };
        var command = new Command("resume", "Time reopening a download after a crash that left pieces written but unrecorded.") { sizeMib, recordedPercent, unrecorded, runs, tempRoot };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string root = Path.Combine(parse.GetValue(tempRoot)!, "p2pshare-resume-" + Guid.NewGuid().ToString("N"));
            try
            {
                await RunAsync(root, parse.GetValue(sizeMib) * 1024L * 1024, parse.GetValue(recordedPercent), parse.GetValue(unrecorded), Math.Max(1, parse.GetValue(runs)), cancellationToken);
                return 0;
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        });
        return command;
    }

    private static async Task RunAsync(string root, long length, int recordedPercent, int unrecorded, int runs, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        int pieceLength = PieceLengthPolicy.Choose(length);
        int pieceCount = (int)((length + pieceLength - 1) / pieceLength);
        var random = new Random(2026);
        var order = Enumerable.Range(0, pieceCount).OrderBy(_ => random.Next()).ToArray();
        var recorded = order.Take(pieceCount * recordedPercent / 100).ToArray();
        var lost = order.Skip(recorded.Length).Take(unrecorded).ToArray();
        // Only written pieces need real hashes; the rest of the manifest is never checked here.
        var hashes = new byte[pieceCount * Manifest.HashLength];
        random.NextBytes(hashes);
        var template = new byte[pieceLength];
        random.NextBytes(template);
        foreach (int piece in recorded.Concat(lost))
            SHA256.HashData(PieceBytes(template, piece, length, pieceLength), hashes.AsSpan(piece * Manifest.HashLength, Manifest.HashLength));
        var manifest = Manifest.Create(length, pieceLength, hashes);
        Console.WriteLine(Invariant($"resume: {length >> 20} MiB in {pieceCount} pieces of {pieceLength >> 10} KiB, {recorded.Length} recorded, {lost.Length} written but unrecorded, in {root}"));

        using (var first = new Repository(root, NullLogger.Instance, null, TimeSpan.FromHours(1)))
        {
            var file = first.OpenDownload(manifest, "big.bin");
            foreach (int piece in recorded)
                file.WritePiece(piece, PieceBytes(template, piece, length, pieceLength));
        } // closing records them
        string downloads = Path.Combine(root, Repository.StateDirectoryName, "downloads");
        string statePath = Path.Combine(downloads, manifest.Id + ".state");
        byte[] stateBefore = File.ReadAllBytes(statePath);
        using (var part = File.OpenHandle(Path.Combine(downloads, manifest.Id + ".part"), FileMode.Open, FileAccess.Write))
        {
            foreach (int piece in lost)
                RandomAccess.Write(part, PieceBytes(template, piece, length, pieceLength), manifest.PieceOffset(piece));
        }
        byte[] stateAfterRecovery = [];

        var crashed = new List<double>();
        var clean = new List<double>();
        for (int run = 0; run < runs; run++)
        {
            File.WriteAllBytes(statePath, stateBefore); // the state as the crash left it
            crashed.Add(await TimeReopenAsync(root, recorded.Length + lost.Length, cancellationToken));
            stateAfterRecovery = File.ReadAllBytes(statePath);
            clean.Add(await TimeReopenAsync(root, recorded.Length + lost.Length, cancellationToken)); // the state lists them all now
            Console.WriteLine(Invariant($"run {run + 1}: after a crash {crashed[^1]:0.0} ms, state complete {clean[^1]:0.0} ms"));
        }
        if (stateAfterRecovery.AsSpan().SequenceEqual(stateBefore))
            throw new InvalidOperationException("the reopen recorded nothing");
        double medianCrashed = Median(crashed), medianClean = Median(clean);
        Console.WriteLine(Invariant($"resume: crashed_ms={medianCrashed:0.0} clean_ms={medianClean:0.0} recovery_ms={medianCrashed - medianClean:0.0} recovered={lost.Length} recovered_mib={(long)lost.Length * pieceLength >> 20}"));
    }

    private static async Task<double> TimeReopenAsync(string root, int expected, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var repository = new Repository(root, NullLogger.Instance, null, TimeSpan.FromHours(1));
        var files = await repository.ScanAsync(cancellationToken);
        double ms = clock.Elapsed.TotalMilliseconds;
        if (files.Single().VerifiedCount != expected)
            throw new InvalidOperationException($"expected {expected} verified pieces after reopening, found {files.Single().VerifiedCount}");
        return ms;
    }

    /// <summary>Piece <paramref name="piece"/>'s bytes: the template stamped with its index (distinct pieces, cheap to make).</summary>
    private static byte[] PieceBytes(byte[] template, int piece, long length, int pieceLength)
    {
        var bytes = template.AsSpan(0, Manifest.PieceSize(length, pieceLength, piece)).ToArray();
        BitConverter.TryWriteBytes(bytes, piece);
        return bytes;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
