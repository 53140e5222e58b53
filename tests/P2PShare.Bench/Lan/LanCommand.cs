using System.CommandLine;

namespace P2PShare.Bench.Lan;

/// <summary>The <c>lan</c> benchmark: one seeder and N downloaders on a simulated LAN of network namespaces with shaped links.</summary>
internal static class LanCommand
{
    public static Command Create()
    {
        var downloaders = new Option<int>("--downloaders") { Description = "Downloaders (`get`) started together, each in its own namespace.", DefaultValueFactory = _ => 3 };
        var rate = new Option<double>("--rate-mbit") { Description = "Every host's link rate in Mbit/s, each direction (tbf).", DefaultValueFactory = _ => 100 };
        var sizeMib = new Option<int>("--size-mib") { Description = "Size of the generated file in MiB.", DefaultValueFactory = _ => 256 };
        var runs = new Option<int>("--runs") { Description = "Repeat the downloads (same tracker and seeder); each run and the medians are printed.", DefaultValueFactory = _ => 1 };
        var tempRoot = new Option<string>("--temp") { Description = "Folder for the temporary files (deleted afterwards).", DefaultValueFactory = _ => Path.GetTempPath() };
        var programs = new Option<string?>("--programs") { Description = BenchPrograms.OptionHelp };
        var downloaderArgs = new Option<string[]>("--downloader-arg") { Description = "Extra argument for every downloader's `get` (repeatable), e.g. --downloader-arg=--seed-for --downloader-arg=30.", AllowMultipleArgumentsPerToken = false };
        var seederArgs = new Option<string[]>("--seeder-arg") { Description = "Extra argument for the seeder's `serve` (repeatable), e.g. --seeder-arg=--log-level --seeder-arg=Debug.", AllowMultipleArgumentsPerToken = false };
        var logs = new Option<string?>("--logs") { Description = "Keep every process's stderr in this folder (d1-run1.log, seeder.log, ...)." };

        var command = new Command("lan", "One seeder and N downloaders, each in its own network namespace on a bridge, links shaped with tbf (needs root and iproute2).")
        {
            downloaders, rate, sizeMib, runs, tempRoot, programs, downloaderArgs, seederArgs, logs,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new LanSettings
            {
                Downloaders = parse.GetValue(downloaders),
                RateMbit = parse.GetValue(rate),
                SizeBytes = parse.GetValue(sizeMib) * 1024L * 1024,
                Runs = Math.Max(1, parse.GetValue(runs)),
                TempRoot = parse.GetValue(tempRoot)!,
                DownloaderArgs = parse.GetValue(downloaderArgs) ?? [],
                SeederArgs = parse.GetValue(seederArgs) ?? [],
                LogsFolder = parse.GetValue(logs) is { } folder ? Path.GetFullPath(folder) : null,
            };
            if (settings.Downloaders is < 1 or > 200 || settings.RateMbit <= 0 || settings.SizeBytes <= 0)
            {
                await Console.Error.WriteLineAsync("lan: need 1 ≤ --downloaders ≤ 200, --rate-mbit > 0 and --size-mib > 0");
                return 2;
            }
            if ((LanNetwork.WhyUnavailable() ?? LanNetwork.WhyNoShaping()) is { } why)
            {
                Console.WriteLine($"lan: skipped: {why}");
                return 0;
            }
            try
            {
                return await BenchPrograms.RunWithAsync(parse.GetValue(programs), "lan",
                    folder => new LanBenchmark(settings with { ProgramsFolder = folder }, Console.Out).RunAsync(cancellationToken), cancellationToken, nativePeer: true);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync("lan: stopped; everything it made is removed");
                return 130;
            }
        });
        return command;
    }
}
