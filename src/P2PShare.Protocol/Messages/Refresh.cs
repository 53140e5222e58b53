using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The tracker asks a peer to re-report its files; the peer answers with an <see cref="Announce"/>
/// carrying <c>re</c>. Grammar: <c>type::refresh;id::N;</c>
/// </summary>
public sealed record Refresh : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "refresh";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) { }

    internal static Refresh Read(Header h) => new();
}
