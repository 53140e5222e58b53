using System.Net;
using P2PShare.Tracker.Registry;

namespace P2PShare.Tracker.Tests.Support;

/// <summary>Registries for tests, with clients already joined.</summary>
internal static class Registries
{
    /// <summary>The address every client of <see cref="WithClients"/> serves on (text only: nothing dials it).</summary>
    public static readonly IPAddress Address = IPAddress.Parse("127.0.0.7");

    /// <summary>A registry where clients 1, 2, … have joined, serving on <paramref name="ports"/> in order.</summary>
    public static FileRegistry WithClients(params int[] ports)
    {
        var registry = new FileRegistry();
        for (int i = 0; i < ports.Length; i++)
            registry.Join(i + 1, new IPEndPoint(Address, ports[i]));
        return registry;
    }
}
