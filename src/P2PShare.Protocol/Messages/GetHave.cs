using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks a peer which pieces of a file it holds now; answered by <see cref="HaveMap"/> or <c>not_found</c>.
/// With <see cref="Watch"/> the peer also sends a <see cref="HavePiece"/> notice on this connection for
/// each piece it verifies afterwards. Grammar: <c>type::get_have;id::N;file::HEX;[watch::1;]</c>
/// </summary>
public sealed record GetHave(FileId File) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "get_have";

    /// <summary>
    /// Keep telling this connection of pieces verified from now on (<c>have</c> notices), so a downloader
    /// hears of another's pieces at once rather than through the tracker a second later. Absent on
    /// the wire (false) from older fetchers; older servers ignore it and send no notices.
    /// </summary>
    public bool Watch { get; init; }

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("file", File.ToString());
        if (Watch)
            writer.Add("watch", 1);
    }

    internal static GetHave Read(Header h) =>
        new(FileId.Parse(h.Required("file"))) { Watch = h.OptionalInt64("watch", 0, 0, 1) == 1 };
}
