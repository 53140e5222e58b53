using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks the tracker to have every other peer re-report its files, then answer with the fresh
/// network-wide <see cref="FileList"/>. Grammar: <c>type::update;id::N;</c>
/// </summary>
public sealed record UpdateRequest : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "update";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) { }

    internal static UpdateRequest Read(Header h) => new();
}
