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
/// same download whose state lists every written piece (whose pieces are all hashed again too: the
/// state is never trusted unhashed). In-process, on the storage layer alone. The cost of that re-hash
/// alone: <c>resume --size-mib 1024 --recorded-percent 100 --unrecorded 0 --runs 3</c> (add
/// <c>--cold</c> to read the .part from the disk rather than the page cache).
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
        var cold = new Option<bool>("--cold") { Description = "Evict the .part from the page cache before every reopen (posix_fadvise DONTNEED, this file only), so its pieces are read from the disk." };
        var command = new Command("resume", "Time reopening a download after a crash that left pieces written but unrecorded.") { sizeMib, recordedPercent, unrecorded, runs, tempRoot, cold };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string root = Path.Combine(parse.GetValue(tempRoot)!, "p2pshare-resume-" + Guid.NewGuid().ToString("N"));
            try
            {
                await RunAsync(root, parse.GetValue(sizeMib) * 1024L * 1024, Math.Clamp(parse.GetValue(recordedPercent), 0, 100), parse.GetValue(unrecorded), Math.Max(1, parse.GetValue(runs)), parse.GetValue(cold), cancellationToken);
                return 0;
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        });
        return command;
    }

    private static async Task RunAsync(string root, long length, int recordedPercent, int unrecorded, int runs, bool cold, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        int pieceLength = PieceLengthPolicy.Choose(length);
        int pieceCount = (int)((length + pieceLength - 1) / pieceLength);
        var random = new Random(2026);
        var order = Enumerable.Range(0, pieceCount).OrderBy(_ => random.Next()).ToArray();
        var recorded = order.Take((int)((long)pieceCount * recordedPercent / 100)).ToArray();
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
        string partPath = Path.Combine(downloads, manifest.Id + ".part");
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
            Evict(partPath, cold);
            crashed.Add(await TimeReopenAsync(root, recorded.Length + lost.Length, cancellationToken));
            stateAfterRecovery = File.ReadAllBytes(statePath);
            Evict(partPath, cold);
            clean.Add(await TimeReopenAsync(root, recorded.Length + lost.Length, cancellationToken)); // the state lists them all now
            Console.WriteLine(Invariant($"run {run + 1}: after a crash {crashed[^1]:0.0} ms, state complete {clean[^1]:0.0} ms"));
        }
        if (lost.Length > 0 && stateAfterRecovery.AsSpan().SequenceEqual(stateBefore))
            throw new InvalidOperationException("the reopen recorded nothing");
        double medianCrashed = Median(crashed), medianClean = Median(clean);
        long recordedBytes = recorded.Sum(piece => (long)Manifest.PieceSize(length, pieceLength, piece));
        // clean_ms is the re-hash of every recorded piece (plus opening the repository): what trusting no state unhashed costs.
        Console.WriteLine(Invariant($"resume: crashed_ms={medianCrashed:0.0} clean_ms={medianClean:0.0} recovery_ms={medianCrashed - medianClean:0.0} recovered={lost.Length} recovered_mib={(long)lost.Length * pieceLength >> 20} rehashed_mib={recordedBytes >> 20} rehash_mib_per_s={(recordedBytes / 1048576.0) / (medianClean / 1000):0} cache={(cold ? "cold" : "warm")}"));
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

    // Drops this file's pages from the page cache (written back first), so the next reopen reads the disk.
    private static void Evict(string path, bool cold)
    {
        if (!cold)
            return;
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("--cold needs Linux (posix_fadvise)");
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        RandomAccess.FlushToDisk(handle);
        int error = PosixFadvise((int)handle.DangerousGetHandle(), 0, 0, PosixFadviseDontNeed);
        if (error != 0)
            throw new IOException(Invariant($"posix_fadvise failed with error {error}"));
    }

    private const int PosixFadviseDontNeed = 4;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "posix_fadvise")]
    private static extern int PosixFadvise(int fd, long offset, long length, int advice);

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
