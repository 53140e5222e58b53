using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using P2PShare.Net;
using P2PShare.Peer.Discovery;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Peer.Tests.Discovery;

/// <summary>
/// The /24 sweep over a pretend interface at 127.0.0.1/24, so every datagram stays on loopback
/// (127.0.0.0/8 is all local on Linux): after broadcast and mDNS had their second, paced, and bounded.
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
    public async Task The_sweep_waits_until_broadcast_and_mDNS_have_had_their_second()
    {
        using var tracker = new FakeTracker(IPAddress.Parse("127.0.0.2")); // the first address the sweep asks

        var report = await DiscoveryRun.RunAsync(Options(tracker.Port) with { SweepAfter = TimeSpan.FromSeconds(1) }, Loopback24, diagnose: false, NullLogger.Instance, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));

        var found = Assert.IsType<FoundTracker>(report.First);
        Assert.Equal(DiscoveryMethod.Sweep, found.Method);
        Assert.True(found.After >= TimeSpan.FromSeconds(1), $"the sweep began before broadcast and mDNS had their second: found after {found.After.TotalMilliseconds} ms");
        Assert.Equal(1, tracker.Requests);
    }

    [Fact]
    public async Task Reaching_the_200th_address_takes_as_long_as_the_rate_says()
    {
        using var tracker = new FakeTracker(IPAddress.Parse("127.0.0.201"));

        // The run ends at the first answer, so a long answer wait costs nothing here and covers a stalled machine.
        var report = await DiscoveryRun.RunAsync(Options(tracker.Port) with { SweepRate = 100, AnswerWait = TimeSpan.FromSeconds(10) }, Loopback24, diagnose: false, NullLogger.Instance, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(20));

        var found = Assert.IsType<FoundTracker>(report.First);
        Assert.Equal(DiscoveryMethod.Sweep, found.Method);
        // 199 datagrams go before it; at 100/s (2 every 20 ms) that is 99 pauses of 20 ms after the sweep began
        // 0.2 s in, about 2.2 s. Unpaced it would take milliseconds; the margin is for timers on a loaded machine.
        Assert.True(found.After >= TimeSpan.FromMilliseconds(1500), $"found after {found.After.TotalMilliseconds} ms: the sweep was not paced");
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
        // At most the limit; on a loaded machine the report may come before the paced loop sent all 50.
        Assert.InRange(report.Probes.Single(p => p.Method == DiscoveryMethod.Sweep).SentCount, 1, 50);
    }
}
