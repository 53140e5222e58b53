using System.Net;

namespace P2PShare.Tracker.Tests.Support;

/// <summary>A tracker started in this process on 127.0.0.1, on a port the OS picks.</summary>
internal static class TestTracker
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static TrackerOptions Options => new() { Host = IPAddress.Loopback, Port = 0 };

    public static async Task<TrackerServer> StartAsync(TrackerOptions? options = null, ListLogger? logger = null)
    {
        var server = new TrackerServer(options ?? Options, logger ?? new ListLogger());
        await server.StartAsync(CancellationToken.None).WaitAsync(Deadline);
        return server;
    }
}
