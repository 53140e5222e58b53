using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The greeter's proof that it knows the secret, sent after a <see cref="Challenge"/>; answered by
/// <see cref="Welcome"/> (carrying the acceptor's own proof) or <c>error</c> <c>auth</c>.
/// Grammar: <c>type::proof;id::N;proof::HEX;</c>
/// </summary>
/// <param name="Proof">HMAC-SHA256 over the client MAC input (PROTOCOL.md §6.1), as 64 lowercase hex digits.</param>
public sealed record AuthProof(string Proof) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "proof";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) => writer.Add("proof", Proof);

    internal static AuthProof Read(Header h) => new(AuthToken.Required(h, "proof"));
}
