using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>Encode → decode → encode must give the same text and the same message type.</summary>
internal static class RoundTrip
{
    public static T Of<T>(T message) where T : Message
    {
        string text = MessageCodec.Encode(message);
        var decoded = MessageCodec.Decode(text);
        var typed = Assert.IsType<T>(decoded);
        Assert.Equal(text, MessageCodec.Encode(typed));
        Assert.Equal(message.RequestId, typed.RequestId);
        Assert.Equal(message.ReplyTo, typed.ReplyTo);
        return typed;
    }
}
