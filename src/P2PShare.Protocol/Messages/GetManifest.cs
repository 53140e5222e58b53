using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks a peer for a file's manifest; answered by <see cref="ManifestReply"/> or <c>not_found</c>.
/// Grammar: <c>type::get_manifest;id::N;file::HEX;</c>
/// </summary>
public sealed record GetManifest(FileId File) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "get_manifest";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) => writer.Add("file", File.ToString());

    internal static GetManifest Read(Header h) => new(FileId.Parse(h.Required("file")));
}
