using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// A well-formed message of a type this build does not know. Decoding it is not an error (a newer
/// peer may send it); a receiver answers a request of this kind with <c>unknown_type</c>.
/// </summary>
public sealed record UnknownMessage(string WireType) : Message
{
    /// <inheritdoc />
    public override string Type => WireType;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) { }
}
