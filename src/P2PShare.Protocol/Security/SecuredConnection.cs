using P2PShare.Protocol.Auth;

namespace P2PShare.Protocol.Security;

/// <summary>
/// A connection's stream after <see cref="TransportSecurity"/>: TLS with its <see cref="Binding"/>
/// when a secret is set, the plain network stream (binding null) when not.
/// </summary>
/// <param name="Stream">What frames are read from and written to.</param>
/// <param name="Binding">The TLS session's certificates, for the secret proof; null on a plain connection.</param>
public sealed record SecuredConnection(Stream Stream, ChannelBinding? Binding)
{
    /// <summary>True when the stream is TLS (so the kernel cannot send file bytes on the socket directly).</summary>
    public bool Encrypted => Binding is not null;
}
