using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>A request failed. Grammar: <c>type::error;re::N;code::CODE;message::TEXT;</c></summary>
public sealed record ErrorReply(string Code, string Text) : Message
{
    /// <summary>Wire type name.</summary>
    public const string TypeName = "error";

    /// <inheritdoc />
    public override string Type => TypeName;

    /// <inheritdoc />
    protected internal override void WriteFields(HeaderWriter writer) =>
        writer.Add("code", Code).Add("message", Text);

    internal static ErrorReply Read(Header h) => new(h.Required("code"), h.Optional("message") ?? "");
}
