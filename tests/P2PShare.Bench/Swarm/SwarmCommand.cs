using System.CommandLine;

namespace P2PShare.Bench.Swarm;

/// <summary>The <c>swarm</c> benchmark: download speed against a plain TCP copy (issue 3 fills this in).</summary>
internal static class SwarmCommand
{
    public static Command Create()
    {
        var command = new Command("swarm", "Download a generated file from N seeding peers and compare with a plain loopback TCP copy.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("swarm: not built yet");
            return 2;
        });
        return command;
    }
}
