using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// A file's manifest; the payload holds its canonical bytes (see <see cref="Manifest"/>), which the
/// receiver hashes and compares with <see cref="File"/>. Grammar: <c>type::manifest;re::N;file::HEX;</c> + payload
/// </summary>
public sealed record ManifestReply(FileId File) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "manifest";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) => writer.Add("file", File.ToString());

    internal static ManifestReply Read(Header h) => new(FileId.Parse(h.Required("file")));
}
