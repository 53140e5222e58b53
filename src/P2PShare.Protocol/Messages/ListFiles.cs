using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks the tracker for the files in the network, optionally only those with one name, optionally
/// the page after a cursor; answered by <see cref="FileList"/>.
/// Grammar: <c>type::list;id::N;[name::NAME;][after::CURSOR;]</c>
/// </summary>
/// <param name="Name">Only files some holder calls exactly this; null: every file.</param>
/// <param name="After">
/// The <see cref="FileList.Next"/> of the previous page: the answer starts after it. Opaque text
/// the tracker made; null: the first page.
/// </param>
public sealed record ListFiles(string? Name = null, string? After = null) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "list";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        if (Name is not null)
            writer.Add("name", Name);
        if (After is not null)
            writer.Add("after", After);
    }

    internal static ListFiles Read(Header h) => new(h.Optional("name"), h.Optional("after"));
}
