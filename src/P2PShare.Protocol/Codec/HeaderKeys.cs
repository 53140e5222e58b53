namespace P2PShare.Protocol.Codec;

/// <summary>Keys shared by every message.</summary>
public static class HeaderKeys
{
    /// <summary>The message type; always the first pair.</summary>
    public const string Type = "type";

    /// <summary>A request's id, chosen by its sender, unique per connection and direction.</summary>
    public const string Id = "id";

    /// <summary>On a reply: the id of the request it answers.</summary>
    public const string ReplyTo = "re";
}
