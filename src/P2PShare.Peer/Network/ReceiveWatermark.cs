using System.Net.Sockets;
using P2PShare.Protocol.Framing;

namespace P2PShare.Peer.Network;

/// <summary>
/// Sets a plain socket's <c>SO_RCVLOWAT</c> from what the frame reader still needs, at most
/// <see cref="Cap"/>: at 1 MB/s a piece arrived in some 190 reads a second, each a wake-up of the
/// socket thread and a hand-off to the pool, which made a slow download cost 1.8 × the CPU per byte
/// of a fast one (docs/BENCHMARKS.md, <c>lan</c>). The kernel now wakes the reader once for the rest
/// of a default (256 KiB) piece: with 64 KiB a `get` at 1 MB/s cost a fifth more CPU.
/// The frame reader asks only after a read ran the socket dry (a frame already there whole asks nothing, as
/// each change wakes the socket's poller), and the option is set only when the value changes; where the
/// option is refused it is left off.
/// </summary>
internal sealed class ReceiveWatermark(Socket socket) : IReceiveHint
{
    /// <summary>
    /// The most asked for at once: a default piece on Linux, which grows the receive buffer to hold twice
    /// the watermark (and caps it at half of <c>tcp_rmem</c>'s maximum), so a reader is never left waiting
    /// for more than the buffer can hold; 64 KiB elsewhere, below any receive buffer. Where the option is
    /// refused (Windows) nothing is set.
    /// </summary>
    public static readonly int Cap = OperatingSystem.IsLinux() ? 256 * 1024 : 64 * 1024;

    private int _current = 1;
    private bool _unsupported;

    public void AtLeast(int bytes)
    {
        int wanted = Math.Clamp(bytes, 1, Cap);
        if (wanted == _current || _unsupported)
            return;
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveLowWater, wanted);
            _current = wanted;
        }
        catch (SocketException)
        {
            _unsupported = true; // this platform refuses it (Windows): reads wake per arrival, as before
        }
        catch (ObjectDisposedException)
        {
            // Closed under us: the read fails on its own.
        }
    }
}
