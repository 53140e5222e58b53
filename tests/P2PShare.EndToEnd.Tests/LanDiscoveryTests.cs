using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A bare <c>start</c> and the <c>discover</c> report on LANs the tests build from namespaces and a
/// bridge that drops broadcast, multicast or both (issue 17). Each test prints <c>discover</c>'s
/// report to the test output. Every wait is bounded; the LAN is removed on every exit path.
/// </summary>
public sealed partial class LanDiscoveryTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [BridgedLanFact]
    public async Task On_a_bridge_that_drops_broadcasts_start_finds_the_tracker_by_mDNS_within_2_seconds()
    {
        using var lan = BridgedLan.Create(1);
        var (tracker, peer) = TwoHosts(lan);
        lan.DropBroadcast();
        using var folder = new TempFolder();
        using var running = await StartTrackerAsync(tracker, folder);

        var (how, after) = await StartPeerAsync(peer, folder, $"10.213.7.1:{running.Port}");

        Assert.StartsWith("mDNS IPv", how, StringComparison.Ordinal);
        Assert.True(after < 2000, $"found after {after} ms");
        string report = await DiscoverAsync(peer, folder, expectedExit: 0);
        Assert.Matches(@"lan0 +broadcast .* -> no answer", report);
        Assert.Matches(@"lan0 +mDNS IPv4 .* -> answered: tracker 10\.213\.7\.1:", report);
        Assert.Contains("Broadcasts got no answer", report, StringComparison.Ordinal);
    }

    [BridgedLanFact]
    public async Task With_multicast_dropped_too_the_subnet_sweep_finds_the_tracker_within_5_seconds()
    {
        using var lan = BridgedLan.Create(1);
        var (tracker, peer) = TwoHosts(lan);
        lan.DropBroadcast();
        lan.DropMulticast();
        using var folder = new TempFolder();
        using var running = await StartTrackerAsync(tracker, folder);

        var (how, after) = await StartPeerAsync(peer, folder, $"10.213.7.1:{running.Port}");

        Assert.Equal("the /24 sweep", how);
        Assert.True(after < 5000, $"found after {after} ms");
        string report = await DiscoverAsync(peer, folder, expectedExit: 0);
        Assert.Matches(@"lan0 +mDNS IPv4 .* -> no answer", report);
        Assert.Matches(@"lan0 +/24 sweep .*10\.213\.7\.1\.\.10\.213\.7\.254 \(253 addresses.* -> answered: tracker 10\.213\.7\.1:", report);
    }

    [BridgedLanFact]
    public async Task A_peer_with_two_interfaces_finds_the_tracker_on_the_second_one_without_the_sweep()
    {
        using var lan = BridgedLan.Create(2);
        string tracker = lan.AddHost("t"), peer = lan.AddHost("p");
        lan.Attach(peer, 0, "lan0", "10.213.7.2/24", defaultRoute: true); // the default route leads to the empty LAN
        lan.Attach(peer, 1, "lan1", "10.213.8.2/24");
        lan.Attach(tracker, 1, "lan0", "10.213.8.1/24", defaultRoute: true);
        using var folder = new TempFolder();
        using var running = await StartTrackerAsync(tracker, folder);

        var (how, after) = await StartPeerAsync(peer, folder, $"10.213.8.1:{running.Port}");

        Assert.NotEqual("the /24 sweep", how);
        Assert.True(after < 2000, $"found after {after} ms");
        string report = await DiscoverAsync(peer, folder, expectedExit: 0);
        Assert.Matches(@"lan0 +broadcast .* -> no answer", report);
        Assert.Matches(@"lan1 +broadcast .* -> answered: tracker 10\.213\.8\.1:", report);
        Assert.Contains("on lan1", report, StringComparison.Ordinal);
    }

    [BridgedLanFact]
    public async Task A_tracker_restarted_at_a_new_address_is_rejoined_by_its_beacon()
    {
        using var lan = BridgedLan.Create(1);
        var (tracker, peer) = TwoHosts(lan);
        using var folder = new TempFolder();
        var first = await StartTrackerAsync(tracker, folder);
        using var node = RunningProcess.StartInNamespace(peer, "P2PShare.Peer", folder.Path, "--port", "0", "--repo", folder.Sub("p"));
        await node.Input.WriteLineAsync("start");
        await node.Input.FlushAsync();
        await node.WaitForLineAsync($"Joined the tracker at 10.213.7.1:{first.Port}", Deadline);

        await first.Process.KillAsync(Deadline);
        first.Dispose();
        await node.WaitForLineAsync("Lost the tracker", Deadline);
        BridgedLan.Readdress(tracker, "lan0", "10.213.7.1/24", "10.213.7.5/24");
        using var second = await StartTrackerAsync(tracker, folder);

        // Without the beacon the peer would retry 10.213.7.1 for ever.
        await node.WaitForLineAsync($"Heard a tracker's beacon at 10.213.7.5:{second.Port}", Deadline);
        await node.WaitForLineAsync($"Reconnected to the tracker at 10.213.7.5:{second.Port}", Deadline);
        await node.Input.WriteLineAsync("end");
        node.Input.Close();
        Assert.Equal(0, await node.WaitForExitAsync(Deadline));
        log.WriteLine(node.Output);
    }

    [BridgedLanFact]
    public async Task When_nothing_answers_discover_says_what_it_tried_and_the_likely_causes()
    {
        using var lan = BridgedLan.Create(1);
        var (tracker, peer) = TwoHosts(lan);
        lan.DropBroadcast();
        lan.DropMulticast();
        lan.DropUdpPort(12501); // a firewall as well: nothing can find it
        using var folder = new TempFolder();
        using var running = await StartTrackerAsync(tracker, folder);

        string report = await DiscoverAsync(peer, folder, expectedExit: 1);

        Assert.Matches(@"lan0 +/24 sweep .* -> no answer", report);
        Assert.Contains("Nothing answered by broadcast, mDNS or the /24 sweep", report, StringComparison.Ordinal);
        Assert.Contains("client isolation", report, StringComparison.Ordinal);
        Assert.Contains("start HOST:12500", report, StringComparison.Ordinal);
    }

    [BridgedLanFact]
    public async Task With_a_secret_a_tracker_found_by_mDNS_is_taken_only_once_it_proves_the_secret()
    {
        using var lan = BridgedLan.Create(1);
        var (tracker, peer) = TwoHosts(lan);
        lan.DropBroadcast(); // only mDNS (which carries no proof) can find it
        using var folder = new TempFolder();
        string secret = Path.Combine(folder.Path, "secret"), wrong = Path.Combine(folder.Path, "wrong");
        await File.WriteAllTextAsync(secret, "correct horse battery staple");
        await File.WriteAllTextAsync(wrong, "a wrong guess entirely");
        using var running = await StartTrackerAsync(tracker, folder, "--secret-file", secret);

        string stranger = await DiscoverAsync(peer, folder, expectedExit: 1, "--secret-file", wrong);
        string member = await DiscoverAsync(peer, folder, expectedExit: 0, "--secret-file", secret);

        Assert.Contains($"the tracker at 10.213.7.1:{running.Port} did not prove the network secret", stranger, StringComparison.Ordinal);
        Assert.Matches($@"lan0 +mDNS IPv4 .* -> answered: tracker 10\.213\.7\.1:{running.Port}", member);
    }

    [DigFact]
    public async Task A_legacy_unicast_dig_query_gets_the_tracker_SRV_record_with_its_port()
    {
        using var lan = BridgedLan.Create(1);
        var (tracker, peer) = TwoHosts(lan);
        using var folder = new TempFolder();
        using var running = await StartTrackerAsync(tracker, folder);

        string answer = await RunAsync("ip", "netns", "exec", peer, "dig", "+time=2", "+tries=2", "@10.213.7.1", "-p", "5353", "+noall", "+answer", "+additional", "_p2pshare._tcp.local", "PTR");
        log.WriteLine(answer);

        Assert.Matches(@"_p2pshare\._tcp\.local\.\s+10\s+IN\s+PTR\s+P2PShare\\032tracker\\032[0-9a-f]{6}\._p2pshare\._tcp\.local\.", answer);
        Assert.Matches($@"IN\s+SRV\s+0 0 {running.Port} p2pshare-[0-9a-f]{{6}}\.local\.", answer);
        Assert.Matches(@"IN\s+TXT\s+""txtvers=1"" ""version=1"" ""secret=none""", answer);
        Assert.Matches(@"IN\s+A\s+10\.213\.7\.1", answer);
    }

    private static (string Tracker, string Peer) TwoHosts(BridgedLan lan)
    {
        string tracker = lan.AddHost("t"), peer = lan.AddHost("p");
        lan.Attach(tracker, 0, "lan0", "10.213.7.1/24", defaultRoute: true);
        lan.Attach(peer, 0, "lan0", "10.213.7.2/24", defaultRoute: true);
        return (tracker, peer);
    }

    private static async Task<TrackerRun> StartTrackerAsync(string ns, TempFolder folder, params string[] extra)
    {
        var process = RunningProcess.StartInNamespace(ns, "P2PShare.Tracker", folder.Path, ["--port", "0", .. extra]);
        try
        {
            int port = int.Parse(TrackerPort().Match(await process.WaitForLineAsync("listening on", Deadline)).Groups[1].Value, CultureInfo.InvariantCulture);
            await process.WaitForLineAsync("by mDNS on UDP 5353", Deadline);
            return new TrackerRun(process, port);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    // A bare `start`; returns how it found the tracker and after how many milliseconds.
    private async Task<(string How, int After)> StartPeerAsync(string ns, TempFolder folder, string expected)
    {
        using var peer = RunningProcess.StartInNamespace(ns, "P2PShare.Peer", folder.Path, "--port", "0", "--repo", folder.Sub("p"));
        await peer.Input.WriteLineAsync("start");
        await peer.Input.WriteLineAsync("end");
        peer.Input.Close();
        Assert.Equal(0, await peer.WaitForExitAsync(Deadline));
        log.WriteLine(peer.Output);
        Assert.Contains($"Joined the tracker at {expected}", peer.Output, StringComparison.Ordinal);
        var found = FoundBy().Match(peer.Output);
        Assert.True(found.Success, peer.Output);
        Assert.Equal(expected, found.Groups[1].Value);
        return (found.Groups[2].Value, int.Parse(found.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    private async Task<string> DiscoverAsync(string ns, TempFolder folder, int expectedExit, params string[] extra)
    {
        using var discover = RunningProcess.StartInNamespace(ns, "P2PShare.Peer", folder.Path, ["discover", .. extra]);
        int exit = await discover.WaitForExitAsync(Deadline);
        log.WriteLine("$ discover " + string.Join(' ', extra));
        log.WriteLine(discover.Output);
        Assert.True(expectedExit == exit, $"discover exited {exit}:\n{discover.Output}\n{discover.Errors}");
        return discover.Output;
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        using var deadline = new CancellationTokenSource(Deadline);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return await output + await errors;
    }

    [GeneratedRegex(@"listening on [\d.]+:(\d+)")]
    private static partial Regex TrackerPort();

    [GeneratedRegex(@"Found the tracker at ([\d.]+:\d+) by discovery \(by (.+?) on \S+ after (\d+) ms")]
    private static partial Regex FoundBy();

    private sealed record TrackerRun(RunningProcess Process, int Port) : IDisposable
    {
        public void Dispose() => Process.Dispose();
    }
}
