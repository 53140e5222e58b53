using P2PShare.Protocol.Messages;
using static P2PShare.Protocol.Tests.TestIds;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>
/// An announce entry that breaks the name rules, the shape limits or its piece map is decoded as a
/// refused entry, with its id, raw name and reason, and the entries after it are kept: the tracker
/// refuses that entry alone, as PROTOCOL.md says, instead of dropping the peer's connection.
/// </summary>
public sealed class AnnounceEntryRefusalTests
{
    private const string GoodSecond = "file.1.id::" + BHex + ";file.1.name::ok.txt;file.1.length::10;file.1.piece_length::4;";

    public static TheoryData<string, string> BadFirstEntries => new()
    {
        { "negative file length", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::n;file.0.length::-1;file.0.piece_length::4;" },
        { "zero piece length", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::n;file.0.length::1;file.0.piece_length::0;" },
        { "piece length over the limit", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::n;file.0.length::1;file.0.piece_length::8388609;" },
        { "too many pieces", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::n;file.0.length::262145;file.0.piece_length::1;" },
        { "piece count overflowing int64", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::n;file.0.length::9223372036854775807;file.0.piece_length::2;" },
        { "announce bitfield wrong size", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::n;file.0.length::20;file.0.piece_length::4;file.0.have::AAAA;" },
        { "empty name", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::;file.0.length::1;file.0.piece_length::1;" },
        { "dot name", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::.;file.0.length::1;file.0.piece_length::1;" },
        { "dot-dot name", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::..;file.0.length::1;file.0.piece_length::1;" },
        { "backslash in name", "type::announce;id::4;count::2;file.0.id::" + AHex + @";file.0.name::a\\b;file.0.length::1;file.0.piece_length::1;" },
        { "newline in name", "type::announce;id::4;count::2;file.0.id::" + AHex + @";file.0.name::a\nb;file.0.length::1;file.0.piece_length::1;" },
        { "tab in name", "type::announce;id::4;count::2;file.0.id::" + AHex + ";file.0.name::a\tb;file.0.length::1;file.0.piece_length::1;" },
        { "drive name", "type::announce;id::4;count::2;file.0.id::" + AHex + @";file.0.name::C\:x;file.0.length::1;file.0.piece_length::1;" },
    };

    [Theory]
    [MemberData(nameof(BadFirstEntries))]
    public void A_bad_entry_is_kept_as_refused_and_the_next_entry_is_decoded(string why, string text)
    {
        var announce = Assert.IsType<Announce>(MessageCodec.Decode(text + GoodSecond));
        Assert.Equal(2, announce.Files.Count);
        var (bad, good) = (announce.Files[0], announce.Files[1]);
        Assert.False(string.IsNullOrWhiteSpace(bad.Refusal), why);
        Assert.Equal(A, bad.Id);
        Assert.Null(good.Refusal);
        Assert.Equal(("ok.txt", 10L, 4), (good.Name, good.Length, good.PieceLength));
    }

    [Fact]
    public void An_entry_without_a_readable_id_still_makes_the_announce_malformed()
    {
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode(
            "type::announce;id::4;count::2;file.0.id::nothex;file.0.name::n;file.0.length::1;file.0.piece_length::1;" + GoodSecond));
    }
}
