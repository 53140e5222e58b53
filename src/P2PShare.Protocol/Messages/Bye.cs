using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>The sender is leaving; the receiver closes the connection. Grammar: <c>type::bye;</c></summary>
public sealed record Bye : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "bye";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) { }

    internal static Bye Read(Header h) => new();
}
