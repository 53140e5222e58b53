using System.Net;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Discovery;

namespace P2PShare.Peer.Tests.Commands;

/// <summary>The words of the <c>discover</c> report, from the typed outcomes discovery records.</summary>
public sealed class DiscoveryTextTests
{
    [Fact]
    public void A_skipped_sweep_and_an_ignored_answer_are_worded_from_their_reasons()
    {
        var skipped = new ProbeOutcome(DiscoveryMethod.Sweep, "eth0", "198.51.100.5") { Skipped = ProbeSkip.SweepLimitReached };
        var ignored = new ProbeOutcome(DiscoveryMethod.Broadcast, "eth0", "198.51.100.5")
        {
            Sent = "198.51.100.255:12501", SentCount = 2, Ignored = 1, IgnoredBecause = IgnoreReason.OtherVersion, IgnoredDetail = "9",
        };

        Assert.EndsWith("not tried: the sweep's limit of addresses is used up", DiscoveryText.Probe(skipped), StringComparison.Ordinal);
        Assert.EndsWith("-> no answer; ignored 1 (it speaks discovery version 9)", DiscoveryText.Probe(ignored), StringComparison.Ordinal);
    }

    [Fact]
    public void A_tracker_that_did_not_prove_the_secret_is_named_in_the_verdict()
    {
        var probe = new ProbeOutcome(DiscoveryMethod.MdnsIPv4, "eth0", "198.51.100.5")
        {
            Sent = "224.0.0.251:5353", SentCount = 1, Ignored = 1, IgnoredBecause = IgnoreReason.SecretNotProven, IgnoredDetail = "198.51.100.1:12500",
        };

        string report = DiscoveryText.Report(new DiscoveryReport([probe], [], TimeSpan.FromSeconds(2), 12501));

        Assert.Contains("A tracker answered but could not prove the network secret (the tracker at 198.51.100.1:12500 did not prove the network secret): check both sides use the same secret.", report, StringComparison.Ordinal);
    }

    [Fact]
    public void A_silent_target_is_not_taken_for_a_failed_send()
    {
        var silent = new TargetMiss(new IPEndPoint(IPAddress.Parse("198.51.100.9"), 12501), 3, TimeSpan.FromSeconds(1), null);
        var unsent = silent with { SendError = "Network is unreachable" };

        Assert.Equal("no tracker answered at 198.51.100.9:12501 (3 tries, 1 s each)", DiscoveryText.Problem(new DiscoveryResult(null, silent)));
        Assert.Equal("could not send to 198.51.100.9:12501: Network is unreachable", DiscoveryText.Problem(new DiscoveryResult(null, unsent)));
    }
}
