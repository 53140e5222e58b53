using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>A request succeeded and needs no data back. Grammar: <c>type::ok;re::N;</c></summary>
public sealed record Ok : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "ok";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) { }

    internal static Ok Read(Header h) => new();
}
