using System.CommandLine;
using P2PShare.Bench.Folders;
using P2PShare.Bench.Lan;
using P2PShare.Bench.Load;
using P2PShare.Bench.Storage;
using P2PShare.Bench.Swarm;

// dotnet run -c Release --project tests/P2PShare.Bench -- swarm --size-mib 1024 --seeders 3
// dotnet run -c Release --project tests/P2PShare.Bench -- restart --size-mib 4096
// dotnet run -c Release --project tests/P2PShare.Bench -- load --peers 1000 --files 100
// dotnet run -c Release --project tests/P2PShare.Bench -- resume --size-mib 4096 --unrecorded 300
// dotnet run -c Release --project tests/P2PShare.Bench -- folders --runs 3
// sudo dotnet run -c Release --project tests/P2PShare.Bench -- lan --downloaders 3 --rate-mbit 100 --size-mib 256
var root = new RootCommand("P2PShare benchmarks: real processes on 127.0.0.1 (lan: in network namespaces it makes), figures printed, last line machine-readable.")
{
    SwarmCommand.Create(),
    RestartCommand.Create(),
    LoadCommand.Create(),
    ResumeCommand.Create(),
    LanCommand.Create(),
    LanFlowCommand.Create(),
    P2PShare.Bench.Wire.WireCommand.Create(),
    P2PShare.Bench.Wire.WireServeCommand.Create(),
    FoldersCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
