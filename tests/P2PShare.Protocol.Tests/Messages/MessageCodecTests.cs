using P2PShare.Protocol.Messages;
using static P2PShare.Protocol.Tests.TestIds;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>Rules every message shares: id and re, unknown keys, unknown types.</summary>
public sealed class MessageCodecTests
{
    [Fact]
    public void Id_and_re_come_right_after_type_when_set()
    {
        var message = new GetPiece(A, 1) { RequestId = 77, ReplyTo = 3 };
        Assert.Equal("type::get_piece;id::77;re::3;file::" + AHex + ";piece::1;", MessageCodec.Encode(message));
    }

    [Fact]
    public void Absent_id_and_re_decode_as_zero()
    {
        var message = MessageCodec.Decode("type::bye;");
        Assert.Equal((0L, 0L), (message.RequestId, message.ReplyTo));
    }

    [Fact]
    public void Unknown_keys_are_ignored_wherever_they_appear()
    {
        const string text = "type::get_piece;x-new::1;id::6;file::" + AHex + @";future\;key::with\:\:value;piece::3;file.9.junk::;";
        Assert.Equal(new GetPiece(A, 3) { RequestId = 6 }, MessageCodec.Decode(text));
    }

    [Fact]
    public void Keys_after_type_may_come_in_any_order() =>
        Assert.Equal(new Hello(1, "peer", 1, "x") { RequestId = 2 },
                     MessageCodec.Decode("type::hello;agent::x;port::1;role::peer;version::1;id::2;"));

    [Fact]
    public void Unknown_type_decodes_to_UnknownMessage_keeping_its_id()
    {
        var message = Assert.IsType<UnknownMessage>(MessageCodec.Decode("type::frobnicate;id::3;whatever::1;"));
        Assert.Equal("frobnicate", message.Type);
        Assert.Equal(3, message.RequestId);
    }

    [Fact]
    public void Type_names_are_case_sensitive() =>
        Assert.IsType<UnknownMessage>(MessageCodec.Decode("type::BYE;"));

    [Fact]
    public void Every_message_type_name_is_distinct()
    {
        string[] names =
        [
            Hello.TypeName, Welcome.TypeName, ErrorReply.TypeName, Ok.TypeName, Bye.TypeName, Announce.TypeName,
            HavePiece.TypeName, ListFiles.TypeName, UpdateRequest.TypeName, Refresh.TypeName, FileList.TypeName,
            WhoHas.TypeName, Holders.TypeName, GetManifest.TypeName, ManifestReply.TypeName, GetPiece.TypeName,
            PieceReply.TypeName, GetHave.TypeName, HaveMap.TypeName,
        ];
        Assert.Equal(19, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.IsNotType<UnknownMessage>(MessageCodec.Decode(KnownMinimal(n))));
    }

    // The smallest valid header of each type.
    private static string KnownMinimal(string type) => type switch
    {
        "hello" => "type::hello;version::1;role::peer;port::0;",
        "welcome" => "type::welcome;version::1;",
        "error" => "type::error;code::failed;",
        "announce" or "files" => $"type::{type};count::0;",
        "have" or "get_piece" or "piece" => $"type::{type};file::{AHex};piece::0;",
        "who_has" or "get_manifest" or "manifest" or "get_have" => $"type::{type};file::{AHex};",
        "holders" => $"type::holders;file::{AHex};name::n;length::0;piece_length::1;count::0;",
        "have_map" => $"type::have_map;file::{AHex};pieces::0;",
        _ => $"type::{type};",
    };

    [Fact]
    public void List_entries_beyond_the_first_ten_are_written_and_found_by_their_full_index()
    {
        var files = Enumerable.Range(0, 12).Select(i => new FileEntry(i % 2 == 0 ? A : B, $"f{i}.bin", 1000 + i, 256, null)).ToList();
        string text = MessageCodec.Encode(new Announce(files));
        Assert.Contains("file.11.name::f11.bin;file.11.length::1011;", text, StringComparison.Ordinal);
        var decoded = RoundTrip.Of(new Announce(files));
        Assert.Equal(files.Select(f => (f.Name, f.Length)), decoded.Files.Select(f => (f.Name, f.Length)));
    }

    [Fact]
    public void Encoding_a_large_header_leaves_nothing_behind_for_the_next_one_on_the_same_thread()
    {
        // The codec reuses one text builder per thread; each header must start from nothing.
        var many = Enumerable.Range(0, 2000).Select(i => new FileEntry(A, $"name-{i:D5}.bin", i + 1, 256, null)).ToList();
        string large = MessageCodec.Encode(new Announce(many));
        Assert.True(large.Length > 64 * 1024, "large enough that its builder is not kept");
        Assert.Equal("type::bye;", MessageCodec.Encode(new Bye()));
        Assert.Equal("type::get_piece;file::" + AHex + ";piece::1;", MessageCodec.Encode(new GetPiece(A, 1)));
        Assert.Equal("type::bye;", MessageCodec.Encode(new Bye()));
        Assert.Equal(large, MessageCodec.Encode(new Announce(many)));
    }
}
