using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// The sender no longer wants the answer to its request <see cref="Request"/> (it gave up, or an
/// end-game duplicate arrived from another peer first); a server that has not answered it yet may
/// drop it without a reply. No reply; an unknown or answered id is ignored.
/// Grammar: <c>type::cancel;request::N;</c>
/// </summary>
public sealed record CancelRequest(long Request) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "cancel";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("request", Request);
    }

    internal static CancelRequest Read(Header h) => new(h.RequiredInt64("request", 1));
}
