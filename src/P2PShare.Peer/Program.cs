using System.CommandLine;
using P2PShare.Cli;
using P2PShare.Peer.Commands;

// Ctrl+C is the peer's own (PeerProgram): it interrupts the command running rather than the whole program.
return await PeerCommandLine.Create().RunAsync(args, "Run with --help to see the commands and options.",
    new InvocationConfiguration { ProcessTerminationTimeout = null });
