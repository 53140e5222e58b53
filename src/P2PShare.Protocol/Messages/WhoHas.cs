using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks the tracker who holds a file; answered by <see cref="Holders"/> (or <c>not_found</c>).
/// Grammar: <c>type::who_has;id::N;file::HEX;</c>
/// </summary>
public sealed record WhoHas(FileId File) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "who_has";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) => writer.Add("file", File.ToString());

    internal static WhoHas Read(Header h) => new(FileId.Parse(h.Required("file")));
}
