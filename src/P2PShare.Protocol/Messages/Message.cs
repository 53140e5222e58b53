using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// A protocol message. <see cref="RequestId"/> is set on requests that expect a reply;
/// <see cref="ReplyTo"/> on replies. Both are 0 when absent.
/// </summary>
public abstract record Message
{
    /// <summary>The wire type name (the value of the first <c>type::</c> pair).</summary>
    public abstract string Type { get; }

    /// <summary>The request's id (<c>id::</c>), unique per connection and sender; 0 when absent.</summary>
    public long RequestId { get; init; }

    /// <summary>The id of the request this answers (<c>re::</c>); 0 when absent.</summary>
    public long ReplyTo { get; init; }

    /// <summary>Writes the message's own fields after <c>type</c>, <c>id</c> and <c>re</c>.</summary>
    protected internal abstract void WriteFields(HeaderWriter writer);
}
