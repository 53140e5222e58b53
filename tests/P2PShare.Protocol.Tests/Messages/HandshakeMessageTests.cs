using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>Golden bytes for the messages every connection uses: hello, welcome, error, ok, bye.</summary>
public sealed class HandshakeMessageTests
{
    private const string HelloText = @"type::hello;id::1;version::1;role::peer;port::6881;agent::P2PShare.Peer/1 (a\;b\:\:c\\d);";
    private static readonly Hello HelloMessage = new(1, PeerRole.Peer, 6881, @"P2PShare.Peer/1 (a;b::c\d)") { RequestId = 1 };

    [Fact]
    public void Hello_encodes_to_its_golden_text() => Assert.Equal(HelloText, MessageCodec.Encode(HelloMessage));

    [Fact]
    public void Hello_decodes_from_its_golden_text() => Assert.Equal(HelloMessage, MessageCodec.Decode(HelloText));

    [Fact]
    public void Hello_round_trips() => Assert.Equal(HelloMessage, RoundTrip.Of(HelloMessage));

    [Fact]
    public void Hello_without_agent_decodes_with_an_empty_agent() =>
        Assert.Equal(new Hello(1, "fetcher", 0, "") { RequestId = 1 }, MessageCodec.Decode("type::hello;id::1;version::1;role::fetcher;port::0;"));

    private const string WelcomeText = @"type::welcome;re::1;version::1;address::\:\:1;";
    private static readonly Welcome WelcomeMessage = new(1, "::1") { ReplyTo = 1 };

    [Fact]
    public void Welcome_encodes_to_its_golden_text() => Assert.Equal(WelcomeText, MessageCodec.Encode(WelcomeMessage));

    [Fact]
    public void Welcome_decodes_from_its_golden_text() => Assert.Equal(WelcomeMessage, MessageCodec.Decode(WelcomeText));

    [Fact]
    public void Welcome_round_trips() => Assert.Equal(WelcomeMessage, RoundTrip.Of(WelcomeMessage));

    private const string ErrorText = "type::error;re::42;code::not_found;message::no piece 3 of a\\;b\\:\\:c\\\\d\\nline two\\r Ünïcødé 文件 🎉;";
    private static readonly ErrorReply ErrorMessage = new(ErrorCodes.NotFound, "no piece 3 of a;b::c\\d\nline two\r Ünïcødé 文件 🎉") { ReplyTo = 42 };

    [Fact]
    public void Error_encodes_to_its_golden_text() => Assert.Equal(ErrorText, MessageCodec.Encode(ErrorMessage));

    [Fact]
    public void Error_decodes_from_its_golden_text() => Assert.Equal(ErrorMessage, MessageCodec.Decode(ErrorText));

    [Fact]
    public void Error_round_trips() => Assert.Equal(ErrorMessage, RoundTrip.Of(ErrorMessage));

    [Fact]
    public void Error_without_message_decodes_with_empty_text() =>
        Assert.Equal(new ErrorReply("busy", "") { ReplyTo = 1 }, MessageCodec.Decode("type::error;re::1;code::busy;"));

    private const string OkText = "type::ok;re::5;";
    private static readonly Ok OkMessage = new() { ReplyTo = 5 };

    [Fact]
    public void Ok_encodes_to_its_golden_text() => Assert.Equal(OkText, MessageCodec.Encode(OkMessage));

    [Fact]
    public void Ok_decodes_from_its_golden_text() => Assert.Equal(OkMessage, MessageCodec.Decode(OkText));

    [Fact]
    public void Ok_round_trips() => Assert.Equal(OkMessage, RoundTrip.Of(OkMessage));

    private const string ByeText = "type::bye;";
    private static readonly Bye ByeMessage = new();

    [Fact]
    public void Bye_encodes_to_its_golden_text() => Assert.Equal(ByeText, MessageCodec.Encode(ByeMessage));

    [Fact]
    public void Bye_decodes_from_its_golden_text() => Assert.Equal(ByeMessage, MessageCodec.Decode(ByeText));

    [Fact]
    public void Bye_round_trips() => Assert.Equal(ByeMessage, RoundTrip.Of(ByeMessage));
}
