namespace P2PShare.Protocol.Framing;

/// <summary>
/// Told by a frame reader how many bytes it needs before it can make progress, so the transport can
/// wake it only once they are there (on a socket, <c>SO_RCVLOWAT</c>) instead of at every packet.
/// Only for a stream whose bytes are the frames themselves: under TLS, buffered records make the count wrong.
/// </summary>
public interface IReceiveHint
{
    /// <summary>Wake the reader once at least <paramref name="bytes"/> bytes are readable (1: any byte).</summary>
    void AtLeast(int bytes);
}
