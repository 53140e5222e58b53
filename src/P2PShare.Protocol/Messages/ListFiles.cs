using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// Asks the tracker for the files in the network, optionally only those with one name or under one
/// folder (<see cref="Prefix"/>), optionally the page after a cursor; answered by <see cref="FileList"/>.
/// Grammar: <c>type::list;id::N;[name::NAME;][prefix::PREFIX;][after::CURSOR;]</c>
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

    /// <summary>At most this many UTF-8 bytes of <see cref="Prefix"/>: no name is longer (PROTOCOL.md §4.6).</summary>
    public const int MaxPrefixBytes = FileNameRules.MaxNameBytes;

    /// <summary>
    /// Only files whose listed name starts with this (ordinal), e.g. <c>photos/</c>; null or empty:
    /// no filter. A tracker that does not know the key lists everything, so a peer filters again.
    /// </summary>
    public string? Prefix { get; init; }

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        if (Name is not null)
            writer.Add("name", Name);
        if (!string.IsNullOrEmpty(Prefix))
            writer.Add("prefix", Prefix);
        if (After is not null)
            writer.Add("after", After);
    }

    internal static ListFiles Read(Header h) => new(h.Optional("name"), h.Optional("after")) { Prefix = h.Optional("prefix") is { Length: > 0 } prefix ? prefix : null };
}
