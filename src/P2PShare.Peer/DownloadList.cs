using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer;

/// <summary>The downloads under way, under one lock: at most one per file.</summary>
internal sealed class DownloadList
{
    private readonly Lock _gate = new();
    private readonly List<ActiveDownload> _downloads = [];

    /// <summary>The downloads now, as a copy.</summary>
    public IReadOnlyList<ActiveDownload> Snapshot()
    {
        lock (_gate)
            return _downloads.ToList();
    }

    /// <summary>True while <paramref name="file"/> is being downloaded.</summary>
    public bool Has(FileId file)
    {
        lock (_gate)
            return _downloads.Any(d => d.Session.Id == file);
    }

    /// <summary>The downloads of <paramref name="file"/>'s content under way, whatever name each saves it under.</summary>
    public IReadOnlyList<ActiveDownload> Of(FileId file)
    {
        lock (_gate)
            return _downloads.Where(d => d.Session.Id == file).ToList();
    }

    /// <summary>
    /// Lists the download <paramref name="start"/> makes, starting it under the lock: a session that
    /// ends at once ("Already have") removes itself, and must find itself listed, or a stale entry stays.
    /// </summary>
    public ActiveDownload Add(Func<ActiveDownload> start)
    {
        lock (_gate)
        {
            var download = start();
            _downloads.Add(download);
            return download;
        }
    }

    /// <summary>Takes <paramref name="session"/>'s download off the list.</summary>
    public void Remove(DownloadSession session)
    {
        lock (_gate)
            _downloads.RemoveAll(d => d.Session == session);
    }
}
