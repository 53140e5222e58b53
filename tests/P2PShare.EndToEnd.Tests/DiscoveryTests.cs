using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Discovery;
using P2PShare.Protocol.Auth;
using P2PShare.Tracker;
using P2PShare.Tracker.Discovery;

namespace P2PShare.EndToEnd.Tests;

/// <summary>UDP tracker discovery on loopback: the tracker's responder and the peer's bare <c>start</c>.</summary>
public sealed class DiscoveryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<TrackerServer> StartTrackerAsync(string? secret = null)
    {
        var tracker = new TrackerServer(new TrackerOptions
        {
            Host = IPAddress.Loopback,
            Port = 0,
            Discovery = new DiscoveryResponderOptions { Port = 0, Secret = secret is null ? null : new SharedSecret(secret) },
        }, NullLogger.Instance);
        await tracker.StartAsync(CancellationToken.None);
        return tracker;
    }

    // 2 s a try: a test that expects an answer must not miss it because a loaded machine was slow to
    // reply (0.5 s was); one that expects silence uses Unanswered, so it does not wait that long.
    private static DiscoveryOptions AimedAt(int port, string? secret = null) => new()
    {
        Target = IPAddress.Loopback,
        Port = port,
        Timeout = TimeSpan.FromSeconds(2),
        Attempts = 2,
        Secret = secret is null ? null : new SharedSecret(secret),
    };

    // For a search that must find nothing: a short wait, which can only make it more certain to find nothing.
    private static DiscoveryOptions Unanswered(int port, string? secret = null) => AimedAt(port, secret) with { Timeout = TimeSpan.FromMilliseconds(200) };

    private static async Task<string> RunCommandsAsync(PeerOptions options, string commands)
    {
        await using var node = new PeerNode(options, NullLoggerFactory.Instance);
        await node.StartServingAsync(CancellationToken.None).WaitAsync(Deadline);
        var output = new StringWriter();
        await new CommandLoop(node, new StringReader(commands), new UserOutput(output), prompt: false).RunAsync(CancellationToken.None).WaitAsync(Deadline);
        return output.ToString();
    }

    [Fact]
    public async Task Bare_start_finds_the_tracker_by_discovery_and_says_so()
    {
        await using var tracker = await StartTrackerAsync();
        using var folder = new TempFolder();
        var options = new PeerOptions
        {
            BindAddress = IPAddress.Loopback,
            RepositoryPath = folder.Sub("p"),
            DefaultTracker = "127.0.0.1:1",
            Discovery = AimedAt(tracker.DiscoveryEndPoint!.Port),
        };

        string output = await RunCommandsAsync(options, "start\nend\n");

        Assert.Contains($"Found the tracker at 127.0.0.1:{tracker.LocalEndPoint.Port} by discovery", output, StringComparison.Ordinal);
        Assert.Contains($"Joined the tracker at 127.0.0.1:{tracker.LocalEndPoint.Port}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_typed_after_start_wins_over_discovery()
    {
        await using var discovered = await StartTrackerAsync();
        await using var named = await StartTrackerAsync();
        using var folder = new TempFolder();
        var options = new PeerOptions { BindAddress = IPAddress.Loopback, RepositoryPath = folder.Sub("p"), Discovery = AimedAt(discovered.DiscoveryEndPoint!.Port) };

        string output = await RunCommandsAsync(options, $"start 127.0.0.1:{named.LocalEndPoint.Port}\nend\n");

        Assert.DoesNotContain("discovery", output, StringComparison.Ordinal);
        Assert.Contains($"Joined the tracker at 127.0.0.1:{named.LocalEndPoint.Port}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_nothing_answers_start_says_what_it_tried_and_what_to_do()
    {
        // A bound UDP socket that never answers (no ICMP either), and a TCP port nobody listens on.
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int closedTcpPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedTcpPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var folder = new TempFolder();
        int silentPort = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
        var options = new PeerOptions
        {
            BindAddress = IPAddress.Loopback,
            RepositoryPath = folder.Sub("p"),
            DefaultTracker = $"127.0.0.1:{closedTcpPort}",
            Discovery = Unanswered(silentPort),
        };

        string output = await RunCommandsAsync(options, "start\nend\n");

        Assert.Contains($"no tracker answered at 127.0.0.1:{silentPort} (2 tries", output, StringComparison.Ordinal);
        Assert.Contains($"Trying the default, 127.0.0.1:{closedTcpPort}", output, StringComparison.Ordinal);
        Assert.Contains($"error: could not join the tracker at 127.0.0.1:{closedTcpPort}", output, StringComparison.Ordinal);
        Assert.Contains($"UDP port {silentPort}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_secret_only_a_peer_that_knows_it_gets_an_answer()
    {
        await using var tracker = await StartTrackerAsync(secret: "open sesame");
        int port = tracker.DiscoveryEndPoint!.Port;

        var stranger = await DiscoveryClient.FindAsync(Unanswered(port), NullLogger.Instance, CancellationToken.None).WaitAsync(Deadline);
        var wrong = await DiscoveryClient.FindAsync(Unanswered(port, "a wrong guess"), NullLogger.Instance, CancellationToken.None).WaitAsync(Deadline);
        var member = await DiscoveryClient.FindAsync(AimedAt(port, "open sesame"), NullLogger.Instance, CancellationToken.None).WaitAsync(Deadline);

        Assert.Null(stranger.Tracker);
        Assert.Null(wrong.Tracker);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, tracker.LocalEndPoint.Port), member.Tracker);
    }

    [Fact]
    public async Task A_peer_with_a_secret_ignores_a_tracker_that_cannot_prove_it()
    {
        await using var impostor = await StartTrackerAsync();

        var result = await DiscoveryClient.FindAsync(Unanswered(impostor.DiscoveryEndPoint!.Port, "open sesame"), NullLogger.Instance, CancellationToken.None).WaitAsync(Deadline);

        Assert.Null(result.Tracker);
    }

    [Fact]
    public async Task The_responder_survives_garbage_and_still_answers()
    {
        await using var tracker = await StartTrackerAsync();
        using (var garbage = new UdpClient(AddressFamily.InterNetwork))
        {
            await garbage.SendAsync(new byte[] { 0xff, 0xfe, 0x00 }, tracker.DiscoveryEndPoint!);
            await garbage.SendAsync("type::discover;version::1;nonce::short;"u8.ToArray(), tracker.DiscoveryEndPoint!);
            await garbage.SendAsync(new byte[4096], tracker.DiscoveryEndPoint!);
        }

        var result = await DiscoveryClient.FindAsync(AimedAt(tracker.DiscoveryEndPoint!.Port), NullLogger.Instance, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(tracker.LocalEndPoint.Port, result.Tracker?.Port);
    }

    [Fact]
    public async Task A_taken_discovery_port_leaves_the_tracker_running_and_says_why()
    {
        using var squatter = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int taken = ((IPEndPoint)squatter.Client.LocalEndPoint!).Port;
        var logger = new ListLogger();
        await using var tracker = new TrackerServer(new TrackerOptions
        {
            Host = IPAddress.Loopback,
            Port = 0,
            Discovery = new DiscoveryResponderOptions { Port = taken },
        }, logger);

        await tracker.StartAsync(CancellationToken.None);

        Assert.Null(tracker.DiscoveryEndPoint);
        Assert.Contains($"UDP port {taken}", tracker.DiscoveryProblem, StringComparison.Ordinal);
        Assert.NotEqual(0, tracker.LocalEndPoint.Port);
        // The program prints DiscoveryProblem in words; a warning as well would say it twice at the default level.
        Assert.DoesNotContain(logger.Lines, l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.Contains("discovery", StringComparison.OrdinalIgnoreCase));
    }
}
