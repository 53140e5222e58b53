namespace P2PShare.Protocol.Discovery;

/// <summary>
/// "Is there a tracker here?", sent by a peer as one UDP datagram (usually a broadcast).
/// Grammar: <c>type::discover;version::1;nonce::HEX32;[proof::HEX64;]</c>
/// </summary>
/// <param name="Nonce">32 lowercase hex digits the reply must repeat, so replies to old or other requests are ignored.</param>
/// <param name="Proof">With a network secret: <see cref="DiscoveryProof.ForRequest"/>; a tracker with a secret answers nothing else.</param>
public sealed record DiscoveryRequest(string Nonce, string? Proof = null);
