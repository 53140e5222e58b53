namespace P2PShare.Protocol.Discovery;

/// <summary>
/// "A tracker listens on TCP port <see cref="Port"/> at the address this datagram came from."
/// Grammar: <c>type::tracker;version::1;nonce::HEX32;port::P;[proof::HEX64;]</c>
/// </summary>
/// <param name="Nonce">The request's nonce.</param>
/// <param name="Port">The tracker's TCP port (1..65535).</param>
/// <param name="Proof">With a network secret: <see cref="DiscoveryProof.ForReply"/>, so a peer can tell the real tracker from an impostor.</param>
public sealed record DiscoveryReply(string Nonce, int Port, string? Proof = null);
