using System.CommandLine;

namespace P2PShare.Bench.Load;

/// <summary>The <c>load</c> benchmark: many simulated peers on one tracker (issue 4 fills this in).</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var command = new Command("load", "Connect many simulated peers to one tracker while lookups go on; print latency and memory.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("load: not built yet");
            return 2;
        });
        return command;
    }
}
