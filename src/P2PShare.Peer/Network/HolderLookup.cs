using Microsoft.Extensions.Logging;
using P2PShare.Protocol;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>Asks the tracker who holds a file, settling its true shape when holders disagree on it.</summary>
internal sealed class HolderLookup
{
    // Holders asked for a manifest per claimed shape: enough to get past a few liars, few enough to stay quick.
    private const int MaxShapeProbes = 3;

    private readonly PeerOptions _options;
    private readonly ILogger _logger;
    private readonly Func<int> _servingPort;

    public HolderLookup(PeerOptions options, ILogger logger, Func<int> servingPort)
    {
        _options = options;
        _logger = logger;
        _servingPort = servingPort;
    }

    /// <summary>The shape <paramref name="file"/>'s entry claims.</summary>
    public static FileShape Shape(NetworkFile file) => new(file.Length, file.PieceLength);

    /// <summary>
    /// The holders of the file in its true shape. Holders of one id may claim different shapes (a
    /// client announced the id with a wrong length, to lock the honest holders out); the tracker
    /// cannot tell which is true, but a manifest that hashes to the id can: then the first
    /// holder, of any claimed shape, that sends one settles it. Null when nobody holds it.
    /// </summary>
    public async Task<Holders?> FindAsync(TrackerClient tracker, List<NetworkFile> shapes, CancellationToken cancellationToken)
    {
        var id = shapes[0].Id;
        if (shapes.Count == 1)
            return await tracker.WhoHasAsync(id, Shape(shapes[0]), cancellationToken);
        foreach (var claimed in shapes)
        {
            var holders = await tracker.WhoHasAsync(id, Shape(claimed), cancellationToken);
            foreach (var holder in holders?.Peers.Take(MaxShapeProbes) ?? [])
            {
                if (await ProbeManifestAsync(holder, id, cancellationToken) is not { } manifest)
                    continue;
                var truth = new FileShape(manifest.Length, manifest.PieceLength);
                PeerLog.ShapeSettled(_logger, id.ShortText, shapes.Count, truth.Length, truth.PieceLength);
                return truth == Shape(claimed) ? holders : await tracker.WhoHasAsync(id, truth, cancellationToken);
            }
        }
        return null;
    }

    /// <summary>Holders that appeared since the download began (other peers downloading it at the same time); none while the tracker is away.</summary>
    public static async Task<IReadOnlyList<HolderEntry>> FindMoreAsync(TrackerClient? tracker, FileId file, FileShape shape, CancellationToken cancellationToken)
    {
        if (tracker is not { IsConnected: true })
            return [];
        return (await tracker.WhoHasAsync(file, shape, cancellationToken))?.Peers ?? [];
    }

    // The file's manifest from one holder, checked against the id; null when it has none (or a false one).
    private async Task<Manifest?> ProbeManifestAsync(HolderEntry holder, FileId id, CancellationToken cancellationToken)
    {
        try
        {
            await using var link = await PeerLink.ConnectAsync(holder.Host, holder.Port, _servingPort(), _options, cancellationToken);
            return await link.GetManifestAsync(id, cancellationToken);
        }
        catch (Exception e) when (e is RemoteErrorException || ConnectionFaults.IsFault(e))
        {
            PeerLog.ShapeProbeFailed(_logger, holder.Endpoint, id.ShortText, e.Message);
            return null;
        }
    }
}
