using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using P2PShare.Bench.Load;
using P2PShare.Bench.Swarm;
using P2PShare.Peer.Commands;

namespace P2PShare.Bench.Folders;

/// <summary>
/// The <c>folders</c> benchmark (issue 16, scale): a repository of 10,000 files in 200 folders.
/// Per run, with a fresh tracker: the seeder's first and second start to "Sharing" (the second from
/// the manifest cache), the tracker's resident memory before and after the announce, the network's
/// list fetched and rendered, and one downloader fetching the 1,000-file folder and the single file
/// of the same size from the same seeder, alternately first. Medians over the runs.
/// </summary>
internal static class FoldersCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static Command Create()
    {
        var runs = new Option<int>("--runs") { Description = "Repetitions; medians are printed.", DefaultValueFactory = _ => 3 };
        var files = new Option<int>("--files") { Description = "Files in the repository (at most the tracker's 10,000 per peer).", DefaultValueFactory = _ => 10_000 };
        var folders = new Option<int>("--folders") { Description = "Folders they are in.", DefaultValueFactory = _ => 200 };
        var fetchFiles = new Option<int>("--fetch-files") { Description = "Files in the folder fetched.", DefaultValueFactory = _ => 1000 };
        var fetchKib = new Option<int>("--fetch-kib") { Description = "Size of each of them in KiB.", DefaultValueFactory = _ => 64 };
        var parallel = new Option<int>("--parallel") { Description = "With --flat: files fetched at once, one request each.", DefaultValueFactory = _ => 4 };
        var flat = new Option<bool>("--flat") { Description = "Name the files folder--file at the top (a build without folder support)." };
        var tempRoot = new Option<string>("--temp") { Description = "Folder for the temporary files (deleted afterwards).", DefaultValueFactory = _ => Path.GetTempPath() };
        var programs = new Option<string?>("--programs") { Description = BenchPrograms.OptionHelp };
        var command = new Command("folders", "A 10,000-file repository in 200 folders: second start, tracker memory, list, and a 1,000-file folder against one file of the same size.")
            { runs, files, folders, fetchFiles, fetchKib, parallel, flat, tempRoot, programs };
        command.SetAction((parse, cancellationToken) => BenchPrograms.RunWithAsync(parse.GetValue(programs), "folders", folder =>
        {
            var layout = new FolderLayout
            {
                TotalFiles = parse.GetValue(files), Folders = parse.GetValue(folders), FetchFiles = parse.GetValue(fetchFiles),
                FetchFileBytes = parse.GetValue(fetchKib) * 1024, Flat = parse.GetValue(flat),
            };
            return RunAsync(layout, folder, parse.GetValue(tempRoot)!, Math.Max(1, parse.GetValue(runs)), Math.Max(1, parse.GetValue(parallel)), cancellationToken);
        }, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(FolderLayout layout, string programs, string tempRoot, int runs, int parallel, CancellationToken cancellationToken)
    {
        string root = Path.Combine(tempRoot, $"p2pshare-folders-{Environment.ProcessId}");
        string source = Path.Combine(root, "seeder");
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => { o.TimestampFormat = "HH:mm:ss.fff "; o.SingleLine = true; }).SetMinimumLevel(Enum.Parse<LogLevel>(Environment.GetEnvironmentVariable("FOLDERS_LOG") ?? "Warning")));
        try
        {
            var all = layout.Files().ToList();
            var clock = Stopwatch.StartNew();
            layout.Write(source);
            Console.WriteLine(Invariant($"folders: wrote {all.Count:N0} files ({all.Sum(f => f.Length) / 1048576.0:0.0} MiB) in {layout.Folders} folders{(layout.Flat ? " (flat names)" : "")} in {clock.Elapsed.TotalSeconds:0.0} s; {(layout.Flat ? $"{parallel} files fetched at once, one request each" : "the folder fetched with one folder request (request fetch/)")}"));
            long registryBytes = RegistryMemory.Measure(all);
            Console.WriteLine(Invariant($"registry (in process): {registryBytes / 1048576.0:0.0} MiB of managed heap for {all.Count:N0} files, {registryBytes / all.Count} bytes a file"));

            var fetchNames = Enumerable.Range(0, layout.FetchFiles).Select(layout.FetchName).ToList();
            var results = new List<RunFigures>();
            for (int run = 1; run <= runs; run++)
            {
                var figures = await OneRunAsync(run, layout, programs, root, source, fetchNames, parallel, loggers, cancellationToken);
                results.Add(figures);
                Console.WriteLine(Invariant($"run {run}: first start {figures.FirstStart:0.00} s, second start {figures.SecondStart:0.00} s; tracker RSS {figures.RssBeforeMib:0.0} -> {figures.RssAfterMib:0.0} MiB; list {figures.ListSeconds:0.000} s (of {FolderLayout.FetchFolder}/ alone {figures.FolderListSeconds:0.000} s) + render {figures.RenderSeconds:0.000} s; folder {figures.FolderSeconds:0.00} s ({Mbps(layout.FetchBytes, figures.FolderSeconds):0.0} MB/s), single {figures.SingleSeconds:0.00} s ({Mbps(layout.FetchBytes, figures.SingleSeconds):0.0} MB/s)"));
                Console.WriteLine($"run {run}: CPU-s downloader/seeder/tracker: folder {figures.FolderCpu.Text(figures.FolderSeconds)}; single {figures.SingleCpu.Text(figures.SingleSeconds)}");
                Console.WriteLine(Invariant($"run {run}: creating {layout.FetchFiles} files of {layout.FetchFileBytes / 1024} KiB with plain writes (no flush) took {figures.PlainCreateSeconds:0.00} s just before"));
            }
            double folderS = Median(results.Select(r => r.FolderSeconds)), singleS = Median(results.Select(r => r.SingleSeconds));
            double folderMbps = Median(results.Select(r => Mbps(layout.FetchBytes, r.FolderSeconds))), singleMbps = Median(results.Select(r => Mbps(layout.FetchBytes, r.SingleSeconds)));
            double ratio = Median(results.Select(r => r.SingleSeconds / r.FolderSeconds));
            double overheadMs = Median(results.Select(r => (r.FolderSeconds - r.SingleSeconds) * 1000 / layout.FetchFiles));
            Console.WriteLine(Invariant($"folders: files={all.Count} folders={layout.Folders} first_start_s={Median(results.Select(r => r.FirstStart)):0.00} second_start_s={Median(results.Select(r => r.SecondStart)):0.00} tracker_rss_before_mib={Median(results.Select(r => r.RssBeforeMib)):0.0} tracker_rss_mib={Median(results.Select(r => r.RssAfterMib)):0.0} registry_heap_mib={registryBytes / 1048576.0:0.0} list_s={Median(results.Select(r => r.ListSeconds)):0.000} folder_list_s={Median(results.Select(r => r.FolderListSeconds)):0.000} render_s={Median(results.Select(r => r.RenderSeconds)):0.000}"));
            Console.WriteLine(Invariant($"folders: fetch_files={layout.FetchFiles} file_kib={layout.FetchFileBytes / 1024} folder_s={folderS:0.00} single_s={singleS:0.00} folder_mbps={folderMbps:0.0} single_mbps={singleMbps:0.0} ratio={ratio:0.00} per_file_overhead_ms={overheadMs:0.00} plain_create_s={Median(results.Select(r => r.PlainCreateSeconds)):0.00}"));
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"folders: could not delete {root}: {e.Message}");
            }
        }
    }

    private sealed record RunFigures(double FirstStart, double SecondStart, double RssBeforeMib, double RssAfterMib, double ListSeconds, double FolderListSeconds, double RenderSeconds, double FolderSeconds, double SingleSeconds, PhaseCpu FolderCpu, PhaseCpu SingleCpu, double PlainCreateSeconds);

    // CPU seconds each process spent in one timed fetch: with 2 cores, a sum near 2 x the wall time means CPU set the pace.
    private sealed record PhaseCpu(double Downloader, double Seeder, double Tracker)
    {
        public double Sum => Downloader + Seeder + Tracker;

        public static PhaseCpu Now(BenchProcess seeder, TrackerProcess tracker) =>
            new(ProcessCpu.Seconds(Environment.ProcessId), ProcessCpu.Seconds(seeder.Id), ProcessCpu.Seconds(tracker.Id));

        public PhaseCpu Since(PhaseCpu start) => new(Downloader - start.Downloader, Seeder - start.Seeder, Tracker - start.Tracker);

        public string Text(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{Downloader:0.00}/{Seeder:0.00}/{Tracker:0.00} = {Sum:0.00} ({Sum / seconds:0.00} cores busy)");
    }

    private static async Task<RunFigures> OneRunAsync(int run, FolderLayout layout, string programs, string root, string source, List<string> fetchNames, int parallel, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var tracker = await TrackerProcess.StartAsync(programs, TimeSpan.FromSeconds(30));
        string endpoint = tracker.EndPoint.ToString();
        double rssBefore = (tracker.Status("VmRSS") ?? 0) / 1024.0;
        var (first, firstSeeder) = await StartSeederAsync(programs, source, endpoint, layout.TotalFiles);
        firstSeeder.Dispose(); // killed, as a crash or power cut would
        var (second, seeder) = await StartSeederAsync(programs, source, endpoint, layout.TotalFiles);
        using (seeder)
        {
            double rssAfter = (tracker.Status("VmRSS") ?? 0) / 1024.0;
            await using var fetch = await FolderFetch.JoinAsync(Path.Combine(root, $"downloader-{run}"), endpoint, loggers, cancellationToken);
            var clock = Stopwatch.StartNew();
            var listed = await fetch.Node.ListAsync(cancellationToken);
            double listSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var folderListed = await fetch.Node.ListAsync(cancellationToken, FolderLayout.FetchFolder + "/");
            double folderListSeconds = clock.Elapsed.TotalSeconds;
            if (!layout.Flat && folderListed.Count != layout.FetchFiles)
                throw new InvalidOperationException($"the list of {FolderLayout.FetchFolder}/ holds {folderListed.Count} files, not {layout.FetchFiles}");
            clock.Restart();
            string text = Report.FileList(listed, fetch.Node.Repository, null, null);
            double renderSeconds = clock.Elapsed.TotalSeconds;
            if (listed.Count != layout.TotalFiles)
                throw new InvalidOperationException($"the list holds {listed.Count} files, not {layout.TotalFiles}:\n{text[..Math.Min(2000, text.Length)]}");
            // A few small files first, and a small folder, so neither measurement pays for compiling its download path in this process.
            await fetch.FetchAsync([.. layout.Files().Skip(1 + layout.FetchFiles).Take(3).Select(f => f.Name)], 1, cancellationToken);
            if (!layout.Flat)
                await fetch.FetchFolderAsync(FolderLayout.WarmUpFolder + "/", layout.Files().Count(f => f.Name.StartsWith(FolderLayout.WarmUpFolder + "/", StringComparison.Ordinal)), cancellationToken);
            // The file system's own price for this many new files, measured just before: on this machine's ext4 it
            // ranges from 0.05 to 0.5 s per 1,000 files, as inodes freed in the last minutes are skipped one by one.
            double plainCreateSeconds = PlainCreate(Path.Combine(root, $"plain-{run}"), layout.FetchFiles, layout.FetchFileBytes);
            // Alternate which goes first, so a machine that slows down over a run favours neither.
            double folderSeconds = 0, singleSeconds = 0;
            PhaseCpu folderCpu = new(0, 0, 0), singleCpu = new(0, 0, 0);
            foreach (bool folderFirst in run % 2 == 1 ? new[] { true, false } : [false, true])
            {
                FlushDisks();
                fetch.TakePhases();
                var cpuBefore = PhaseCpu.Now(seeder, tracker);
                if (folderFirst && !layout.Flat)
                    folderSeconds = (await fetch.FetchFolderAsync(FolderLayout.FetchFolder + "/", fetchNames.Count, cancellationToken)).TotalSeconds;
                else if (folderFirst)
                {
                    folderSeconds = (await fetch.FetchAsync(fetchNames, parallel, cancellationToken)).TotalSeconds;
                    var (request, download) = fetch.TakePhases();
                    Console.WriteLine(Invariant($"run {run}: a folder file took {request.TotalMilliseconds / fetchNames.Count:0.00} ms to request (name and holders looked up) and {download.TotalMilliseconds / fetchNames.Count:0.00} ms from there to verified and announced (summed over files fetched at once)"));
                }
                else
                    singleSeconds = (await fetch.FetchAsync([FolderLayout.SingleName], 1, cancellationToken)).TotalSeconds;
                if (folderFirst)
                    folderCpu = PhaseCpu.Now(seeder, tracker).Since(cpuBefore);
                else
                    singleCpu = PhaseCpu.Now(seeder, tracker).Since(cpuBefore);
            }
            fetch.Verify([.. fetchNames, FolderLayout.SingleName], source);
            return new RunFigures(first, second, rssBefore, rssAfter, listSeconds, folderListSeconds, renderSeconds, folderSeconds, singleSeconds, folderCpu, singleCpu, plainCreateSeconds);
        }
    }

    // Seconds to create `files` files of `bytes` bytes each in `folder`, then the disks flushed (untimed) so the fetch after starts clean.
    private static double PlainCreate(string folder, int files, int bytes)
    {
        Directory.CreateDirectory(folder);
        var data = new byte[bytes];
        RandomNumberGenerator.Fill(data);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < files; i++)
        {
            using var handle = File.OpenHandle(Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"plain-{i:0000}.bin")), FileMode.CreateNew, FileAccess.Write);
            RandomAccess.Write(handle, data, 0);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        FlushDisks();
        return seconds;
    }

    // Process start to its "Sharing N files" line (joined, everything announced).
    private static async Task<(double Seconds, BenchProcess Seeder)> StartSeederAsync(string programs, string repo, string tracker, int files)
    {
        var clock = Stopwatch.StartNew();
        var seeder = BenchProcess.Start("seeder", programs, "P2PShare.Peer", "serve", "--port", "0", "--bind", "127.0.0.1", "--repo", repo, "--tracker", tracker, "--log-level", "Warning");
        try
        {
            string line = await seeder.WaitForLineAsync("Sharing", Timeout);
            double seconds = clock.Elapsed.TotalSeconds;
            string expected = Invariant($"Sharing {files} files");
            if (!line.StartsWith(expected, StringComparison.Ordinal))
                throw new InvalidOperationException($"the seeder said '{line}', not '{expected} …'\nstderr:\n{seeder.Errors}");
            return (seconds, seeder);
        }
        catch
        {
            seeder.Dispose();
            throw;
        }
    }

    private static double Mbps(long bytes, double seconds) => seconds > 0 ? bytes / seconds / 1e6 : 0;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    // Each measurement starts with nothing dirty on the disks: a batch's first flush (syncfs) would
    // otherwise write out the 160 MiB repository this benchmark has just made (172 ms of a 0.42 s
    // folder, seen in a debug run), a cost of the benchmark's set-up, not of the fetch.
    private static void FlushDisks()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false });
        sync?.WaitForExit(60_000);
    }
}
