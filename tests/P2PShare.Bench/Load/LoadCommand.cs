using System.CommandLine;

namespace P2PShare.Bench.Load;

/// <summary>
/// The <c>load</c> benchmark: the real tracker as a process, many simulated peers joining at once and
/// announcing their files while lookups go on; prints connections held, failures, lookup latency and
/// the tracker's memory. Exit code 0 when every target is met (all held, none failed, no errors, p99 under 20 ms).
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var defaults = new LoadOptions();
        var peers = new Option<int>("--peers") { Description = "Simulated peers joining at once (1-20000).", DefaultValueFactory = _ => defaults.Peers };
        var files = new Option<int>("--files") { Description = "Files each peer announces (1-10000).", DefaultValueFactory = _ => defaults.FilesPerPeer };
        var askers = new Option<int>("--askers") { Description = "Peers that also look files up while the others join.", DefaultValueFactory = _ => defaults.Askers };
        var hold = new Option<double>("--hold-seconds") { Description = "Seconds every connection is held after the last join (1-600).", DefaultValueFactory = _ => defaults.Hold.TotalSeconds };
        var oneAddress = new Option<bool>("--one-address") { Description = "Connect every peer from 127.0.0.1 (default on Linux: each from its own 127.1.x.y)." };
        var programs = new Option<string?>("--programs") { Description = BenchPrograms.OptionHelp };
        var command = new Command("load", "Connect many simulated peers to one tracker while lookups go on; print latency and memory.")
        {
            peers, files, askers, hold, oneAddress, programs,
        };
        peers.Validators.Add(r => Range(r, r.GetValueOrDefault<int>(), 1, 20000, "--peers"));
        files.Validators.Add(r => Range(r, r.GetValueOrDefault<int>(), 1, 10000, "--files"));
        askers.Validators.Add(r => Range(r, r.GetValueOrDefault<int>(), 1, 1000, "--askers"));
        hold.Validators.Add(r => Range(r, r.GetValueOrDefault<double>(), 1, 600, "--hold-seconds"));
        command.SetAction((parse, ct) => BenchPrograms.RunWithAsync(parse.GetValue(programs), "load", folder => new LoadRun(defaults with
        {
            Peers = parse.GetValue(peers),
            FilesPerPeer = parse.GetValue(files),
            Askers = parse.GetValue(askers),
            Hold = TimeSpan.FromSeconds(parse.GetValue(hold)),
            SpreadAddresses = defaults.SpreadAddresses && !parse.GetValue(oneAddress),
            ProgramsFolder = folder,
        }, Console.Out).RunAsync(ct), ct));
        return command;
    }

    private static void Range(System.CommandLine.Parsing.OptionResult result, double value, double min, double max, string name)
    {
        if (value < min || value > max)
            result.AddError($"{name} must be within {min}..{max}");
    }
}
