using System.CommandLine;

namespace P2PShare.Bench.Swarm;

/// <summary>The <c>swarm</c> benchmark: download speed against a plain TCP copy of the same file in the same run.</summary>
internal static class SwarmCommand
{
    public static Command Create()
    {
        var sizeMib = new Option<int>("--size-mib") { Description = "Size of the generated file in MiB.", DefaultValueFactory = _ => 1024 };
        var seeders = new Option<int?>("--seeders") { Description = "Seeding peers (default 3; 1 with --leechers)." };
        var leechers = new Option<int>("--leechers") { Description = "Start this many downloaders together (after one alone, for comparison); report how many pieces each got from the others." };
        var slowSeeder = new Option<double>("--slow-seeder") { Description = "Add one seeder throttled to this many MB/s (the test host P2PShare.TestPeer) and compare with the fast seeders alone." };
        var pieceLength = new Option<int?>("--piece-length") { Description = "Piece length in bytes for the seeders (default: the peer's choice by file size)." };
        var runs = new Option<int>("--runs") { Description = "Repeat the whole measurement; medians are printed.", DefaultValueFactory = _ => 1 };
        var tempRoot = new Option<string>("--temp") { Description = "Folder for the temporary files (deleted afterwards).", DefaultValueFactory = _ => Path.GetTempPath() };
        var programs = new Option<string?>("--programs") { Description = BenchPrograms.OptionHelp };
        var secret = new Option<bool>("--secret") { Description = "Run the tracker and every peer with one random shared secret (TLS 1.3 on every connection), to compare with an open run." };
        var secretVsOpen = new Option<bool>("--secret-vs-open") { Description = "Each run downloads from an open swarm and from a swarm with a shared secret (TLS), in turn; prints secret ÷ open time and both sides' CPU." };
        var downloaderArgs = new Option<string[]>("--downloader-arg") { Description = "Extra argument for every downloader (repeatable), e.g. a tuning option under test.", AllowMultipleArgumentsPerToken = false };

        var command = new Command("swarm", "Download a generated file from N seeding peers (real processes on 127.0.0.1) and compare with a plain loopback TCP copy.")
        {
            sizeMib, seeders, leechers, slowSeeder, pieceLength, runs, tempRoot, programs, secret, secretVsOpen, downloaderArgs,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int leecherCount = parse.GetValue(leechers);
            var settings = new SwarmSettings
            {
                SizeBytes = parse.GetValue(sizeMib) * 1024L * 1024,
                Seeders = parse.GetValue(seeders) ?? (leecherCount > 0 ? 1 : 3),
                Leechers = leecherCount,
                SlowSeederMbps = parse.GetValue(slowSeeder),
                PieceLength = parse.GetValue(pieceLength),
                Runs = Math.Max(1, parse.GetValue(runs)),
                TempRoot = parse.GetValue(tempRoot)!,
                DownloaderArgs = parse.GetValue(downloaderArgs) ?? [],
                SecretVsOpen = parse.GetValue(secretVsOpen),
            };
            if (settings.Seeders < 1 || settings.Leechers < 0 || settings.SizeBytes <= 0)
            {
                await Console.Error.WriteLineAsync("swarm: need --seeders ≥ 1, --leechers ≥ 0 and --size-mib > 0");
                return 2;
            }
            if (parse.GetValue(secret))
            {
                // Every process the benchmark starts inherits it, as a shared secret in the environment is meant to be used.
                Environment.SetEnvironmentVariable("P2PSHARE_SECRET", Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
                Console.WriteLine("with a shared secret: TLS 1.3 on every connection");
            }
            return await BenchPrograms.RunWithAsync(parse.GetValue(programs), "swarm",
                folder => new SwarmBenchmark(settings with { ProgramsFolder = folder }, Console.Out).RunAsync(), cancellationToken,
                withTestPeer: settings.SlowSeederMbps > 0);
        });
        return command;
    }
}
