using System.Threading.Channels;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using P2PShare.Protocol.Rpc;

namespace P2PShare.Peer.Network;

/// <summary>
/// The fetch connections watching a file (<c>get_have</c> with <c>watch::1</c>): every piece of it
/// verified here is told to each of them as a <c>have</c> notice. Through the tracker downloaders
/// hear of each other's pieces a second or more late (a <c>have_set</c> batch, then a <c>who_has</c>),
/// so at the start and the end of a swarm they waited on the seeder for pieces a neighbour already
/// had. Each connection's notices go out in order from its own loop: a download that verifies a piece
/// never waits on a fetcher's socket.
/// </summary>
internal sealed class HaveWatchers
{
    /// <summary>Files one connection may watch at once; more are served without notices.</summary>
    public const int MaxPerConnection = 16;

    private readonly Lock _gate = new();
    private readonly Dictionary<FileId, List<Watcher>> _byFile = [];
    private readonly Dictionary<MessageChannel, List<Watcher>> _byChannel = [];

    /// <summary>Files watched now, over all connections.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _byChannel.Values.Sum(w => w.Count);
        }
    }

    /// <summary>From now on <paramref name="channel"/> hears of every piece of <paramref name="file"/> verified here.</summary>
    public void Watch(MessageChannel channel, FileId file)
    {
        lock (_gate)
        {
            var mine = _byChannel.TryGetValue(channel, out var list) ? list : _byChannel[channel] = [];
            if (mine.Count >= MaxPerConnection || mine.Exists(w => w.File == file))
                return;
            var watcher = new Watcher(channel, file);
            mine.Add(watcher);
            (_byFile.TryGetValue(file, out var others) ? others : _byFile[file] = []).Add(watcher);
        }
    }

    /// <summary>A piece of <paramref name="file"/> was verified here.</summary>
    public void Gained(FileId file, int piece)
    {
        lock (_gate)
        {
            if (!_byFile.TryGetValue(file, out var watchers))
                return;
            foreach (var watcher in watchers)
                watcher.Post(piece);
        }
    }

    /// <summary>The connection closed: its watches end.</summary>
    public void Closed(MessageChannel channel)
    {
        lock (_gate)
        {
            if (!_byChannel.Remove(channel, out var mine))
                return;
            foreach (var watcher in mine)
            {
                watcher.Stop();
                var others = _byFile[watcher.File];
                others.Remove(watcher);
                if (others.Count == 0)
                    _byFile.Remove(watcher.File);
            }
        }
    }

    private sealed class Watcher
    {
        private readonly MessageChannel _channel;
        private readonly Channel<int> _pieces = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });

        public Watcher(MessageChannel channel, FileId file)
        {
            _channel = channel;
            File = file;
            _ = SendAsync();
        }

        public FileId File { get; }

        // Each piece is verified once per download, so the queue holds at most the file's piece count.
        public void Post(int piece) => _pieces.Writer.TryWrite(piece);

        public void Stop() => _pieces.Writer.TryComplete();

        private async Task SendAsync()
        {
            try
            {
                await foreach (int piece in _pieces.Reader.ReadAllAsync(_channel.Closed))
                    await _channel.SendAsync(new HavePiece(File, piece), default, _channel.Closed);
            }
            catch (Exception e) when (e is OperationCanceledException || ConnectionFaults.IsFault(e))
            {
                // The connection is closing; its read loop reports why.
            }
        }
    }
}
