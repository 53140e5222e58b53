using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Peer.Discovery;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Peer.Tests.Discovery;

/// <summary>
/// The /24 sweep over a pretend interface at 127.0.0.1/24, so every datagram stays on loopback
/// (127.0.0.0/8 is all local on Linux): paced, once per address, bounded, after broadcast had its second.
/// </summary>
public sealed class SweepTests
{
    private static readonly IReadOnlyList<LinkInterface> Loopback24 = [new("lo-test", 1, [(IPAddress.Loopback, 24)], [], SupportsMulticast: false)];

    private static DiscoveryOptions Options(int port) => new()
    {
        Port = port,
        Mdns = false,
        SweepAfter = TimeSpan.FromMilliseconds(200),
        SweepRate = 400,
        AnswerWait = TimeSpan.FromMilliseconds(500),
    };

    // A pretend tracker at `address` that answers every `discover` and counts them.
    private sealed class FakeTracker : IDisposable
    {
        private readonly UdpClient _socket;
        private readonly Task _loop;
        private int _requests;

        public FakeTracker(IPAddress address, int port = 0)
        {
            _socket = new UdpClient(new IPEndPoint(address, port));
            Port = ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;
            _loop = Task.Run(async () =>
            {
                while (true)
                {
                    UdpReceiveResult received;
                    try
                    {
                        received = await _socket.ReceiveAsync();
                    }
                    catch (Exception e) when (e is ObjectDisposedException or SocketException)
                    {
                        return;
                    }
                    Interlocked.Increment(ref _requests);
                    var request = DiscoveryCodec.DecodeRequest(received.Buffer);
                    await _socket.SendAsync(DiscoveryCodec.Encode(new DiscoveryReply(request.Nonce, 12500)), received.RemoteEndPoint);
                }
            });
        }

        public int Port { get; }

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose()
        {
            _socket.Dispose();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task The_sweep_is_paced_to_its_rate_and_asks_each_address_once()
    {
        using var far = new FakeTracker(IPAddress.Parse("127.0.0.201"));
        using var near = new FakeTracker(IPAddress.Parse("127.0.0.9"), far.Port); // answers first; the sweep must still not repeat it

        var report = await DiscoveryRun.RunAsync(Options(far.Port), Loopback24, diagnose: true, NullLogger.Instance, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));

        var sweep = report.Probes.Single(p => p.Method == DiscoveryMethod.Sweep);
        Assert.Equal("127.0.0.9:12500", sweep.Tracker);
        Assert.Equal(1, near.Requests);
        // 127.0.0.9 is the 8th address asked: at 400/s in 20 ms batches that is in the first batch; the sweep stops at the first answer.
        Assert.True(sweep.SentCount < 253, $"the sweep went on after an answer: {sweep.SentCount} sent");
    }

    [Fact]
    public async Task Reaching_the_200th_address_takes_as_long_as_the_rate_says()
    {
        using var tracker = new FakeTracker(IPAddress.Parse("127.0.0.201"));

        var report = await DiscoveryRun.RunAsync(Options(tracker.Port), Loopback24, diagnose: false, NullLogger.Instance, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));

        var found = Assert.IsType<FoundTracker>(report.First);
        Assert.Equal(DiscoveryMethod.Sweep, found.Method);
        // 199 datagrams before it at 400/s: at least ~0.45 s after the sweep began 0.2 s in.
        Assert.True(found.After >= TimeSpan.FromMilliseconds(600), $"found after {found.After.TotalMilliseconds} ms: the sweep was not paced");
        Assert.Equal(1, tracker.Requests);
    }

    [Fact]
    public async Task The_sweep_asks_no_more_addresses_than_its_limit()
    {
        using var tracker = new FakeTracker(IPAddress.Parse("127.0.0.201"));

        var report = await DiscoveryRun.RunAsync(Options(tracker.Port) with { MaxSweepAddresses = 50 }, Loopback24, diagnose: false, NullLogger.Instance, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Null(report.First);
        Assert.Equal(0, tracker.Requests);
        Assert.Equal(50, report.Probes.Single(p => p.Method == DiscoveryMethod.Sweep).SentCount);
    }
}
