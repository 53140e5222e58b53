using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks a peer which pieces of a file it holds now; answered by <see cref="HaveMap"/> or <c>not_found</c>.
/// Grammar: <c>type::get_have;id::N;file::HEX;</c>
/// </summary>
public sealed record GetHave(FileId File) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "get_have";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) => writer.Add("file", File.ToString());

    internal static GetHave Read(Header h) => new(FileId.Parse(h.Required("file")));
}
