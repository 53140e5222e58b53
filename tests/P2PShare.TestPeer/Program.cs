using System.CommandLine;
using System.Globalization;
using P2PShare.Cli;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Testing;

// The real peer (P2PShare.Peer's command line, every mode and option) with test-only parts. Where a
// process test or the benchmark needs a slow seeder it starts this instead of the peer, and puts
// `--serve-mbps N` first: the piece bytes served per second, across all connections, capped at N MB/s.
// That pair is taken off here; the rest of the line goes to the peer's command line as it is.
const string ServeMbps = "--serve-mbps";
var parts = new PeerParts();
var peerArgs = args;
if (args is [ServeMbps, var value, .. var rest])
{
    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double mbps) || !(mbps * 1e6 is >= 1 and < long.MaxValue))
    {
        await Console.Error.WriteLineAsync($"error: {ServeMbps} {value} is not a rate: give MB/s above 0");
        return ProgramRun.UsageExitCode;
    }
    parts = new PeerParts { ServeThrough = ThrottledPieces.Wrap((long)(mbps * 1e6)) };
    peerArgs = rest;
}
return await PeerCommandLine.Create(parts).RunAsync(peerArgs, "Run with --help to see the commands and options.",
    new InvocationConfiguration { ProcessTerminationTimeout = null });
