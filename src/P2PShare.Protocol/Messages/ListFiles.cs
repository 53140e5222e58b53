using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks the tracker for the files in the network, optionally only those with one name; answered
/// by <see cref="FileList"/>. Grammar: <c>type::list;id::N;[name::NAME;]</c>
/// </summary>
public sealed record ListFiles(string? Name = null) : Message
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
    }

    internal static ListFiles Read(Header h) => new(h.Optional("name"));
}
