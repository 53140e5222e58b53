using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;
using static P2PShare.Protocol.Tests.TestIds;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>
/// Every kind of bad header throws <see cref="ProtocolException"/> — and only that type (Assert.Throws
/// fails on a subclass or any other exception), so a receiver needs one catch to drop a bad peer.
/// </summary>
public sealed class MalformedMessageTests
{
    private const string F = ";file::" + AHex + ";";

    public static TheoryData<string, string> MalformedHeaders() => new()
    {
        // Structure.
        { "empty header", "" },
        { "type not first", "id::1;type::ok;" },
        { "no type at all", "code::x;" },
        { "empty type", "type::;" },
        { "missing final ';'", "type::ok;re::1" },
        { "missing ';' after type", "type::ok" },
        { "key without '::' at the end", "type::ok;re" },
        { "key ended by ';'", "type::ok;re;" },
        { "single ':' in a key", "type::ok;re:1;" },
        { "single ':' closing a key", "type::ok;re:" },
        { "unescaped ':' in a value", "type::error;code::a:b;" },
        { "unescaped '::' in a value", "type::error;code::a::b;" },
        { "empty key", "type::ok;::v;" },
        { "duplicate key", "type::ok;re::1;re::2;" },
        { "duplicate type", "type::ok;type::bye;" },
        { "unknown escape", @"type::error;code::\q;" },
        { "unknown escape \\t", @"type::error;code::\t;" },
        { "escaped newline is \\n, not backslash-newline", "type::error;code::\\\n;" },
        { "dangling backslash in a value", @"type::error;code::abc\" },
        { "dangling backslash in a key", @"type::ok;re\" },
        { "bare text", "hello world" },
        { "upper-case TYPE key", "TYPE::ok;" },
        // Numbers.
        { "non-integer piece", "type::get_piece;id::1" + F + "piece::x;" },
        { "empty piece", "type::get_piece;id::1" + F + "piece::;" },
        { "fractional piece", "type::get_piece;id::1" + F + "piece::1.5;" },
        { "hex piece", "type::get_piece;id::1" + F + "piece::0x10;" },
        { "exponent piece", "type::get_piece;id::1" + F + "piece::1e3;" },
        { "space before a number", "type::get_piece;id::1" + F + "piece:: 1;" },
        { "space after a number", "type::get_piece;id::1" + F + "piece::1 ;" },
        { "negative piece", "type::get_piece;id::1" + F + "piece::-1;" },
        { "piece over int32", "type::get_piece;id::1" + F + "piece::2147483648;" },
        { "number over int64", "type::ok;re::9223372036854775808;" },
        { "very long number", "type::ok;re::" + new string('9', 400) + ";" },
        { "id of zero", "type::update;id::0;" },
        { "negative id", "type::update;id::-5;" },
        { "non-integer re", "type::ok;re::abc;" },
        { "port over 65535", "type::hello;version::1;role::peer;port::65536;" },
        { "negative port", "type::hello;version::1;role::peer;port::-1;" },
        { "version zero", "type::hello;version::0;role::peer;port::1;" },
        { "welcome version zero", "type::welcome;version::0;" },
        { "holder port zero", "type::holders" + F + "name::n;length::1;piece_length::1;count::1;holder.0.host::h;holder.0.port::0;" },
        { "list count over the limit", "type::announce;count::100001;" },
        { "negative list count", "type::files;count::-1;" },
        { "negative file length", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::n;file.0.length::-1;file.0.piece_length::4;file.0.complete::1;file.0.partial::0;" },
        { "zero piece length", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::n;file.0.length::1;file.0.piece_length::0;file.0.complete::1;file.0.partial::0;" },
        { "piece length over the limit", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::n;file.0.length::1;file.0.piece_length::8388609;file.0.complete::1;file.0.partial::0;" },
        { "too many pieces", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::n;file.0.length::262145;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "piece count overflowing int64", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::n;file.0.length::9223372036854775807;file.0.piece_length::2;file.0.complete::1;file.0.partial::0;" },
        { "holders piece count overflowing int64", "type::holders" + F + "name::n;length::9223372036854775807;piece_length::2;count::0;" },
        { "have_map pieces over the limit", "type::have_map" + F + "pieces::262145;" },
        { "complete count negative", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::n;file.0.length::1;file.0.piece_length::1;file.0.complete::-1;file.0.partial::0;" },
        // Missing fields.
        { "get_piece without file", "type::get_piece;id::1;piece::1;" },
        { "get_piece without piece", "type::get_piece;id::1" + F },
        { "hello without role", "type::hello;version::1;port::1;" },
        { "hello without version", "type::hello;role::peer;port::1;" },
        { "error without code", "type::error;message::x;" },
        { "announce without count", "type::announce;" },
        { "announce entry missing", "type::announce;count::2;file.0.id::" + AHex + ";file.0.name::n;file.0.length::1;file.0.piece_length::1;" },
        { "files entry without complete", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::n;file.0.length::1;file.0.piece_length::1;file.0.partial::0;" },
        { "holders without name", "type::holders" + F + "length::1;piece_length::1;count::0;" },
        { "holder without host", "type::holders" + F + "name::n;length::1;piece_length::1;count::1;holder.0.port::1;" },
        // File ids.
        { "short file id", "type::who_has;id::1;file::abc;" },
        { "63 hex digits", "type::who_has;id::1;file::" + AHex[1..] + ";" },
        { "65 hex digits", "type::who_has;id::1;file::" + AHex + "0;" },
        { "non-hex file id", "type::who_has;id::1;file::" + new string('z', 64) + ";" },
        { "empty file id", "type::get_have;id::1;file::;" },
        { "file id with spaces", "type::get_manifest;id::1;file:: " + AHex[2..] + " ;" },
        { "bad id in an announce entry", "type::announce;count::1;file.0.id::nothex;file.0.name::n;file.0.length::1;file.0.piece_length::1;" },
        // Base64 and bitfields.
        { "bad base64", "type::have_map" + F + "pieces::8;have::!!!!;" },
        { "truncated base64", "type::have_map" + F + "pieces::8;have::oA=;" },
        { "bitfield too short", "type::have_map" + F + "pieces::10;have::oA==;" },
        { "bitfield too long", "type::have_map" + F + "pieces::5;have::oAA=;" },
        { "bitfield for zero pieces", "type::have_map" + F + "pieces::0;have::AA==;" },
        { "spare bits set", "type::have_map" + F + "pieces::5;have::/w==;" },
        { "last spare bit set", "type::have_map" + F + "pieces::10;have::wEE=;" },
        { "holder bitfield spare bits", "type::holders" + F + "name::n;length::20;piece_length::4;count::1;holder.0.host::h;holder.0.port::1;holder.0.have::/w==;" },
        // Names FileNameRules rejects.
        { "empty name", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::;file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "dot name", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::.;file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "dot-dot name", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::..;file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "empty segment in name", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::a//b;file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "parent segment inside name", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::a/../../x;file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "device folder in name", "type::holders" + F + "name::con/x;length::1;piece_length::1;count::0;" },
        { "backslash in name", "type::files;count::1;file.0.id::" + AHex + @";file.0.name::a\\b;file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "absolute path name", "type::holders" + F + "name::/etc/passwd;length::1;piece_length::1;count::0;" },
        { "parent path name", "type::holders" + F + "name::../x;length::1;piece_length::1;count::0;" },
        { "newline in name", "type::files;count::1;file.0.id::" + AHex + @";file.0.name::a\nb;file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "tab in name", "type::files;count::1;file.0.id::" + AHex + ";file.0.name::a\tb;file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "drive name", "type::files;count::1;file.0.id::" + AHex + @";file.0.name::C\:x;file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;" },
        { "name over 255 bytes", "type::holders" + F + "name::" + new string('é', 128) + ";length::1;piece_length::1;count::0;" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Malformed_header_throws_ProtocolException_only(string why, string text)
    {
        var e = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(text));
        Assert.False(string.IsNullOrWhiteSpace(e.Message), why);
    }

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public void Malformed_header_inside_a_frame_throws_ProtocolException_only(string why, string text)
    {
        _ = why;
        byte[] bytes = FrameWriter.Encode(text, []);
        Assert.Throws<ProtocolException>(() =>
        {
            using var frame = ReadFrame(bytes);
            MessageCodec.Decode(frame!.Header);
        });
    }

    public static TheoryData<string, byte[]> InvalidUtf8() => new()
    {
        { "lone continuation byte", [.. "type::x;a::"u8, 0x80, (byte)';'] },
        { "truncated two-byte sequence", [.. "type::x;a::"u8, 0xC3, (byte)';'] },
        { "overlong slash", [.. "type::x;a::"u8, 0xC0, 0xAF, (byte)';'] },
        { "encoded surrogate", [.. "type::x;a::"u8, 0xED, 0xA0, 0x80, (byte)';'] },
        { "beyond U+10FFFF", [.. "type::x;a::"u8, 0xF4, 0x90, 0x80, 0x80, (byte)';'] },
        { "0xFF byte", [.. "type::x;"u8, 0xFF] },
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Invalid_utf8_throws_ProtocolException_only(string why, byte[] header)
    {
        _ = why;
        Assert.Throws<ProtocolException>(() => Header.Parse(header));
        byte[] frame = new byte[8 + header.Length];
        FrameLayout.WritePrefix(frame, header.Length, 0);
        header.CopyTo(frame, 8);
        Assert.Throws<ProtocolException>(() => ReadFrame(frame));
    }

    [Fact]
    public void Tighter_limits_apply_to_list_counts()
    {
        var limits = ProtocolLimits.Default with { MaxListEntries = 1 };
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode("type::announce;count::2;", limits));
    }

    [Fact]
    public void Valid_names_with_separator_characters_are_accepted()
    {
        var decoded = MessageCodec.Decode("type::holders" + F + @"name::report\;v1\:\:final.txt;length::1;piece_length::1;count::0;");
        Assert.Equal("report;v1::final.txt", Assert.IsType<Holders>(decoded).Name);
    }

    [Fact]
    public void Malformed_manifest_and_bitfield_bytes_throw_ProtocolException_only()
    {
        Assert.Throws<ProtocolException>(() => Manifest.Parse(new byte[11]));
        Assert.Throws<ProtocolException>(() => PieceSet.FromBytes(9, [0xFF]));
        Assert.Throws<ProtocolException>(() => FileId.FromBytes(new byte[31]));
        Assert.Throws<ProtocolException>(() => FileNameRules.Require(".."));
    }

    // A frame read the way a connection reads it; a MemoryStream completes the read synchronously.
    private static Frame? ReadFrame(byte[] bytes)
    {
        using var reader = new FrameStreamReader(new MemoryStream(bytes), ProtocolLimits.Default);
        return reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }
}
