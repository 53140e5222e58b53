using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.EndToEnd.Tests;

/// <summary>A request whose only holder is leaving as the downloader reaches it, through a tracker that keeps listing it.</summary>
public sealed class LeavingHolderTests
{
    private const int PieceLength = 16 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_request_whose_only_holder_says_bye_fails_within_the_holder_wait_and_says_it_left()
    {
        // A tester saw one such request in five wait forever: the bye closed the connection while the
        // manifest request waited to be sent, and the download kept counting the holder as connected.
        using var folder = new TempFolder();
        var content = RandomNumberGenerator.GetBytes(4 * PieceLength);
        var hashes = Enumerable.Range(0, 4).SelectMany(i => SHA256.HashData(content.AsSpan(i * PieceLength, PieceLength))).ToArray();
        var manifest = Manifest.Create(content.Length, PieceLength, hashes);
        await using var leaving = new LeavingHolder();
        await using var tracker = new FakeTracker(new NetworkFile(manifest.Id, "leaving.bin", content.Length, PieceLength, 1, 0), [leaving.Entry]);
        var options = new PeerOptions { BindAddress = IPAddress.Loopback, RepositoryPath = folder.Sub("downloader"), HolderWait = TimeSpan.FromSeconds(3) };
        await using var node = new PeerNode(options, NullLoggerFactory.Instance);
        await node.StartServingAsync(CancellationToken.None);
        await node.JoinAsync(tracker.Address, CancellationToken.None).WaitAsync(Deadline);

        var download = await node.RequestAsync("leaving.bin", CancellationToken.None).WaitAsync(Deadline);
        var result = await download.Completion.WaitAsync(Deadline);

        Assert.Equal(DownloadOutcome.Failed, result.Outcome);
        Assert.Contains("it stopped serving and left", DownloadText.Reason(result)!, StringComparison.Ordinal);
        Assert.Equal(1, leaving.Connections); // looked for again only after the longest backoff (4 s): a tracker still listing it is no sign it came back
    }
}
