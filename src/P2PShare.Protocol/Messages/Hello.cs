using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The first message of every connection, from the side that connected.
/// Grammar: <c>type::hello;id::N;version::V;role::ROLE;port::P;agent::TEXT;[auth::SCHEME;nonce::HEX;]</c>
/// </summary>
/// <param name="Version">The protocol version the sender speaks.</param>
/// <param name="Role"><see cref="PeerRole"/>: <c>peer</c> joining a tracker, <c>fetcher</c> asking a peer for pieces.</param>
/// <param name="ListenPort">The TCP port on which the sender serves pieces; 0 when it serves none.</param>
/// <param name="Agent">Free text naming the software, for logs.</param>
public sealed record Hello(int Version, string Role, int ListenPort, string Agent) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "hello";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <summary>The authentication scheme offered (<c>hmac-sha256</c>); null when the sender has no secret.</summary>
    public string? AuthScheme { get; init; }

    /// <summary>The sender's fresh nonce (64 lowercase hex digits) when it offers authentication.</summary>
    public string? Nonce { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        writer.Add("version", Version).Add("role", Role).Add("port", ListenPort).Add("agent", Agent);
        if (AuthScheme is not null)
            writer.Add("auth", AuthScheme);
        if (Nonce is not null)
            writer.Add("nonce", Nonce);
    }

    internal static Hello Read(Header h) => new(
        h.RequiredInt32("version", 1),
        h.Required("role"),
        h.RequiredInt32("port", 0, 65535),
        h.Optional("agent") ?? "")
    {
        AuthScheme = h.Optional("auth"),
        Nonce = AuthToken.Optional(h, "nonce"),
    };
}
