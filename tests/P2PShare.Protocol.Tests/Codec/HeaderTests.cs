using System.Text;
using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Tests.Codec;

/// <summary>The key::value; text: escaping, parsing, typed getters.</summary>
public sealed class HeaderTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a;b", @"a\;b")]
    [InlineData("a::b", @"a\:\:b")]
    [InlineData("a:b", @"a\:b")]
    [InlineData(@"a\b", @"a\\b")]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("a\rb", @"a\rb")]
    [InlineData("\t\0\u007f", "\t\0\u007f")]
    [InlineData(@"\n", @"\\n")]
    [InlineData("Ünïcødé 文件 🎉", "Ünïcødé 文件 🎉")]
    [InlineData("", "")]
    public void Escape_writes_the_documented_escapes_and_nothing_else(string raw, string escaped) =>
        Assert.Equal(escaped, KeyValueEscaping.Escape(raw));

    [Fact]
    public void HeaderWriter_writes_type_first_then_pairs_in_order()
    {
        var text = new HeaderWriter("t").Add("k;1", "v::1").Add("n", -42).AddBase64("b", [0xFF, 0x00]).ToString();
        Assert.Equal(@"type::t;k\;1::v\:\:1;n::-42;b::/wA=;", text);
    }

    [Fact]
    public void HeaderWriter_utf8_is_the_text_in_utf8() =>
        Assert.Equal(Encoding.UTF8.GetBytes("type::é🎉;"), new HeaderWriter("é🎉").ToUtf8());

    [Fact]
    public void Parse_unescapes_keys_and_values()
    {
        var header = Header.Parse(@"type::x;a\;b\:\:c\\d\n\r::v\;w\:\:x\\y\n\r;empty::;");
        Assert.Equal("x", header.Type);
        Assert.Equal("v;w::x\\y\n\r", header.Required("a;b::c\\d\n\r"));
        Assert.Equal("", header.Required("empty"));
        Assert.Equal(3, header.Pairs.Count);
    }

    [Fact]
    public void Parse_of_utf8_bytes_matches_parse_of_text()
    {
        const string text = "type::x;名前::Ünïcødé 文件 🎉;";
        var header = Header.Parse(Encoding.UTF8.GetBytes(text));
        Assert.Equal("Ünïcødé 文件 🎉", header.Required("名前"));
    }

    [Fact]
    public void Optional_and_Has_report_absent_keys()
    {
        var header = Header.Parse("type::x;a::1;");
        Assert.True(header.Has("a"));
        Assert.False(header.Has("b"));
        Assert.Null(header.Optional("b"));
        Assert.Equal(5, header.OptionalInt64("b", 5));
        Assert.Equal(1, header.OptionalInt64("a", 5));
    }

    [Fact]
    public void Keys_are_case_sensitive()
    {
        var header = Header.Parse("type::x;A::1;a::2;");
        Assert.Equal(("1", "2"), (header.Required("A"), header.Required("a")));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("-1", -1L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("+5", 5L)]
    [InlineData("007", 7L)]
    public void Integers_parse_within_their_range(string text, long expected) =>
        Assert.Equal(expected, Header.Parse($"type::x;n::{text};").RequiredInt64("n", long.MinValue, long.MaxValue));

    [Fact]
    public void Missing_required_key_names_the_message_and_the_key()
    {
        var e = Assert.Throws<ProtocolException>(() => Header.Parse("type::get_piece;").Required("piece"));
        Assert.Contains("get_piece", e.Message, StringComparison.Ordinal);
        Assert.Contains("piece", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_integer_names_the_value_and_the_range()
    {
        var e = Assert.Throws<ProtocolException>(() => Header.Parse("type::x;n::70000;").RequiredInt32("n", 0, 65535));
        Assert.Contains("70000", e.Message, StringComparison.Ordinal);
        Assert.Contains("0..65535", e.Message, StringComparison.Ordinal);
    }
}
