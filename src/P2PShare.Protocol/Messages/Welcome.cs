using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The reply to <see cref="Hello"/>. Grammar: <c>type::welcome;re::N;version::V;address::ADDR;[proof::HEX;]</c>
/// </summary>
/// <param name="Version">The protocol version the replier speaks (equal to the hello's).</param>
/// <param name="ObservedAddress">The address the replier sees the connection come from; empty when not told.</param>
public sealed record Welcome(int Version, string ObservedAddress) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "welcome";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <summary>The replier's proof of the secret (64 lowercase hex digits) when the handshake was authenticated.</summary>
    public string? Proof { get; init; }

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        writer.Add("version", Version).Add("address", ObservedAddress);
        if (Proof is not null)
            writer.Add("proof", Proof);
    }

    internal static Welcome Read(Header h) => new(h.RequiredInt32("version", 1), h.Optional("address") ?? "") { Proof = AuthToken.Optional(h, "proof") };
}
