using System.Net;
using System.Text;
using P2PShare.Testing;

namespace P2PShare.EndToEnd.Tests;

/// <summary>
/// A loopback forwarder to a tracker that cuts the connection the first time a client sends a frame
/// containing <c>marker</c> (that frame is never delivered), and from then on closes every new
/// connection at once until <see cref="Heal"/>: a tracker lost at an exact point of a conversation.
/// </summary>
internal sealed class CuttingProxy : IAsyncDisposable
{
    private readonly byte[] _marker;
    private readonly TcpRelay _relay;
    private volatile bool _cut;
    private volatile bool _healed;

    public CuttingProxy(IPEndPoint target, string marker)
    {
        _marker = Encoding.UTF8.GetBytes(marker);
        _relay = TcpRelay.Start(target, OnChunk, admit: () => !_cut || _healed);
    }

    public string Address => $"127.0.0.1:{_relay.Port}";

    /// <summary>Connections are forwarded again.</summary>
    public void Heal() => _healed = true;

    // Only the first sighting cuts: after it, a healed connection is forwarded whole.
    private bool OnChunk(Span<byte> chunk, bool toServer)
    {
        if (!toServer || _cut || chunk.IndexOf(_marker) < 0)
            return true;
        _cut = true;
        return false;
    }

    public ValueTask DisposeAsync() => _relay.DisposeAsync();
}
