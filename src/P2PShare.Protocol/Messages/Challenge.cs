using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The accepting side's answer to a <see cref="Hello"/> that offered authentication: its own fresh
/// nonce, which the greeter must prove the secret over. Grammar: <c>type::challenge;re::N;nonce::HEX;</c>
/// </summary>
/// <param name="Nonce">32 random bytes as 64 lowercase hex digits.</param>
public sealed record Challenge(string Nonce) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "challenge";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) => writer.Add("nonce", Nonce);

    internal static Challenge Read(Header h) => new(AuthToken.Required(h, "nonce"));
}
