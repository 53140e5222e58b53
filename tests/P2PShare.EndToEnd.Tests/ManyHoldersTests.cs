using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer;
using P2PShare.Peer.Commands;
using P2PShare.Peer.Transfer;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.EndToEnd.Tests;

/// <summary>A tracker listing thousands of holders: the download dials a bounded number at once.</summary>
public sealed class ManyHoldersTests
{
    private const int Silent = 60;   // accept, then never answer the hello: each holds a dial for the handshake timeout
    private const int Holders = 3000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_tracker_listing_3000_holders_gets_at_most_50_dialled_at_once_and_the_rest_as_others_drop()
    {
        using var folder = new TempFolder();
        await using var silent = new SilentHolders(Silent);
        // The rest refuse at once: sockets bound to a port of ours but not listening.
        var refusing = Enumerable.Range(0, Holders - Silent).Select(_ => BoundNotListening()).ToList();
        try
        {
            var holders = silent.Ports.Concat(refusing.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port))
                .Select(port => new HolderEntry("127.0.0.1", port, null)).ToList();
            var manifest = Manifest.Create(1024, 1024, SHA256.HashData(new byte[1024]));
            await using var tracker = new FakeTracker(new NetworkFile(manifest.Id, "many.bin", 1024, 1024, Holders, 0), holders);
            var options = new PeerOptions
            {
                BindAddress = IPAddress.Loopback,
                RepositoryPath = folder.Sub("downloader"),
                HandshakeTimeout = TimeSpan.FromSeconds(2),
                HolderWait = TimeSpan.FromSeconds(5),
            };
            await using var node = new PeerNode(options, NullLoggerFactory.Instance);
            await node.StartServingAsync(CancellationToken.None);
            await node.JoinAsync(tracker.Address, CancellationToken.None).WaitAsync(Deadline);

            var download = await node.RequestAsync("many.bin", CancellationToken.None).WaitAsync(Deadline);
            // The first 50 listed are silent: they fill every slot until their handshakes time out,
            // then the other 10 silent ones are dialled among the refusing ones.
            await Eventually.TrueAsync(() => Task.FromResult(silent.Dialled == Silent), "every silent holder has been dialled", Deadline);
            var result = await download.Completion.WaitAsync(Deadline);

            // At most 50 at once (60 without the cap); on a loaded machine a few may time out before the last are dialled.
            Assert.InRange(silent.Peak, 1, 50);
            Assert.Equal(DownloadOutcome.Failed, result.Outcome);
            // Which words depends on whether a silent holder's connection was still open when the wait ran out.
            string reason = DownloadText.Reason(result)!;
            Assert.True(reason.Contains($"none of the {Holders} holder(s) could be reached within 5 s: 127.0.0.1:", StringComparison.Ordinal)
                || reason.Contains("no holder has been reachable, or given a piece, for 5 s", StringComparison.Ordinal), reason);
            // Ten are named and the rest counted (how many were tried by then depends on the machine's load), never all 3000.
            Assert.Matches(@"\) and \d+ more", reason);
            Assert.True(reason.Length < 2_000, reason);
        }
        finally
        {
            foreach (var socket in refusing)
                socket.Dispose();
        }
    }

    private static Socket BoundNotListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    /// <summary>Listeners that accept and read but never answer; they count the connections open at once.</summary>
    private sealed class SilentHolders : IAsyncDisposable
    {
        private readonly List<TcpListener> _listeners = [];
        private readonly List<Task> _loops = [];
        private readonly CancellationTokenSource _stop = new();
        private readonly HashSet<int> _dialled = [];
        private int _open;
        private int _peak;

        public SilentHolders(int count)
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                _listeners.Add(listener);
                _loops.Add(AcceptAsync(listener));
            }
        }

        public IEnumerable<int> Ports => _listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port);

        public int Peak => Volatile.Read(ref _peak);

        public int Dialled
        {
            get
            {
                lock (_dialled)
                    return _dialled.Count;
            }
        }

        private async Task AcceptAsync(TcpListener listener)
        {
            var held = new List<Task>();
            try
            {
                while (true)
                {
                    var tcp = await listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_dialled)
                        _dialled.Add(((IPEndPoint)listener.LocalEndpoint).Port);
                    int open = Interlocked.Increment(ref _open);
                    int peak;
                    while (open > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, open, peak) != peak)
                    {
                    }
                    held.Add(HoldAsync(tcp));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
            await Task.WhenAll(held);
        }

        // Reads (and ignores) the hello until the dialler gives up and closes.
        private async Task HoldAsync(TcpClient tcp)
        {
            using (tcp)
            {
                var buffer = new byte[4096];
                try
                {
                    while (await tcp.GetStream().ReadAsync(buffer, _stop.Token) > 0)
                    {
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
                {
                    // Closed.
                }
            }
            Interlocked.Decrement(ref _open);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            foreach (var listener in _listeners)
                listener.Stop();
            await Task.WhenAll(_loops);
            _stop.Dispose();
        }
    }
}
