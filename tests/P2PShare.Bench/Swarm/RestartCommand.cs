using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace P2PShare.Bench.Swarm;

/// <summary>
/// The <c>restart</c> benchmark: how long a seeder takes from process start to serving (joined the
/// tracker, files listed), first with an empty manifest cache (every file hashed), then again on the
/// same repository (manifests from the cache).
/// </summary>
internal static class RestartCommand
{
    public static Command Create()
    {
        var sizeMib = new Option<int>("--size-mib") { Description = "Size of the generated file in MiB.", DefaultValueFactory = _ => 4096 };
        var runs = new Option<int>("--runs") { Description = "Restarts after the first start; the median is printed.", DefaultValueFactory = _ => 3 };
        var tempRoot = new Option<string>("--temp") { Description = "Folder for the temporary files (deleted afterwards).", DefaultValueFactory = _ => Path.GetTempPath() };
        var programs = new Option<string?>("--programs") { Description = BenchPrograms.OptionHelp };
        var command = new Command("restart", "Time a seeder's first start (hashing) and its restarts (manifest cache) on one generated file.") { sizeMib, runs, tempRoot, programs };
        command.SetAction((parse, cancellationToken) => BenchPrograms.RunWithAsync(parse.GetValue(programs), "restart", async folder =>
        {
            var settings = new SwarmSettings { SizeBytes = parse.GetValue(sizeMib) * 1024L * 1024, TempRoot = parse.GetValue(tempRoot)!, ProgramsFolder = folder };
            using var session = new SwarmSession(settings);
            Console.WriteLine($"restart: {parse.GetValue(sizeMib)} MiB in {session.Root}");
            await session.StartTrackerAsync();
            double first = await TimeStartAsync(session);
            Console.WriteLine(Invariant($"first start (hashing): {first:0.00} s to serving"));
            var again = new List<double>();
            for (int run = 1; run <= Math.Max(1, parse.GetValue(runs)); run++)
            {
                session.StopSeeder("seeder");
                again.Add(await TimeStartAsync(session));
                Console.WriteLine(Invariant($"restart {run}: {again[^1]:0.00} s to serving"));
            }
            double median = again.Order().ElementAt(again.Count / 2);
            Console.WriteLine(Invariant($"restart: first_s={first:0.00} restart_s={median:0.00}"));
            return 0;
        }, cancellationToken));
        return command;
    }

    private static async Task<double> TimeStartAsync(SwarmSession session)
    {
        var clock = Stopwatch.StartNew();
        await session.StartSeederAsync("seeder");
        return clock.Elapsed.TotalSeconds;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
