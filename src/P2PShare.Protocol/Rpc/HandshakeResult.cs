using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Rpc;

/// <summary>How the accepting side's handshake ended: the welcomed <see cref="Hello"/>, or why it was refused.</summary>
/// <param name="Hello">The hello that was welcomed; null when refused or closed.</param>
/// <param name="Refusal">What the other side was told when refused (null when welcomed or when it closed first).</param>
public sealed record HandshakeResult(Hello? Hello, string? Refusal)
{
    /// <summary>The other side closed before the handshake finished.</summary>
    public static HandshakeResult Closed { get; } = new(null, null);

    /// <summary>Why it was refused, for the program to word or log; null when welcomed or closed.</summary>
    public HandshakeRefusal? Reason { get; init; }
}
