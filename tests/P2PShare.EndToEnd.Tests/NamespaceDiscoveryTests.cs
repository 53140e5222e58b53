using System.Text.RegularExpressions;

namespace P2PShare.EndToEnd.Tests;

/// <summary>Discovery with its real defaults (broadcast to 255.255.255.255, UDP 12501), between two network namespaces the test makes.</summary>
public sealed partial class NamespaceDiscoveryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [NamespaceFact]
    public async Task A_bare_start_finds_the_tracker_by_broadcast_in_another_namespace()
    {
        using var namespaces = NamespacePair.Create();
        using var folder = new TempFolder();
        using var tracker = RunningProcess.StartInNamespace(namespaces.First, "P2PShare.Tracker", folder.Path, "--port", "0", "--no-mdns");
        string port = TrackerPort().Match(await tracker.WaitForLineAsync("listening on", Deadline)).Groups[1].Value;
        await tracker.WaitForLineAsync("Answering discovery on UDP 0.0.0.0:12501", Deadline);

        using var peer = RunningProcess.StartInNamespace(namespaces.Second, "P2PShare.Peer", folder.Path, "--port", "0", "--repo", folder.Sub("p"));
        await peer.Input.WriteLineAsync("start");
        await peer.Input.WriteLineAsync("end");
        peer.Input.Close();

        Assert.Equal(0, await peer.WaitForExitAsync(Deadline));
        Assert.True(peer.Output.Contains($"Found the tracker at {NamespacePair.FirstAddress}:{port} by discovery (by broadcast on ", StringComparison.Ordinal), peer.Output);
        Assert.Contains($"Joined the tracker at {NamespacePair.FirstAddress}:{port}", peer.Output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"listening on [\d.]+:(\d+)")]
    private static partial Regex TrackerPort();
}
