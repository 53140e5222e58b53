using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using static P2PShare.Protocol.Tests.TestIds;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>Golden bytes for the peer ↔ peer messages.</summary>
public sealed class PeerMessageTests
{
    // ---- get_manifest / manifest ----

    private const string GetManifestText = "type::get_manifest;id::2;file::" + AHex + ";";
    private static readonly GetManifest GetManifestMessage = new(A) { RequestId = 2 };

    [Fact]
    public void GetManifest_encodes_to_its_golden_text() => Assert.Equal(GetManifestText, MessageCodec.Encode(GetManifestMessage));

    [Fact]
    public void GetManifest_decodes_from_its_golden_text() => Assert.Equal(GetManifestMessage, MessageCodec.Decode(GetManifestText));

    [Fact]
    public void GetManifest_round_trips() => Assert.Equal(GetManifestMessage, RoundTrip.Of(GetManifestMessage));

    private const string ManifestText = "type::manifest;re::2;file::" + AHex + ";";
    private static readonly ManifestReply ManifestMessage = new(A) { ReplyTo = 2 };

    [Fact]
    public void Manifest_encodes_to_its_golden_text() => Assert.Equal(ManifestText, MessageCodec.Encode(ManifestMessage));

    [Fact]
    public void Manifest_decodes_from_its_golden_text() => Assert.Equal(ManifestMessage, MessageCodec.Decode(ManifestText));

    [Fact]
    public void Manifest_round_trips() => Assert.Equal(ManifestMessage, RoundTrip.Of(ManifestMessage));

    // ---- get_piece / piece ----

    private const string GetPieceText = "type::get_piece;id::6;file::" + AHex + ";piece::3;";
    private static readonly GetPiece GetPieceMessage = new(A, 3) { RequestId = 6 };

    [Fact]
    public void GetPiece_encodes_to_its_golden_text() => Assert.Equal(GetPieceText, MessageCodec.Encode(GetPieceMessage));

    [Fact]
    public void GetPiece_decodes_from_its_golden_text() => Assert.Equal(GetPieceMessage, MessageCodec.Decode(GetPieceText));

    [Fact]
    public void GetPiece_round_trips() => Assert.Equal(GetPieceMessage, RoundTrip.Of(GetPieceMessage));

    // A fetcher that can take the piece from another downloader says so (defer::1); older fetchers never do.
    private const string DeferrableGetPieceText = "type::get_piece;id::7;file::" + AHex + ";piece::3;defer::1;";
    private static readonly GetPiece DeferrableGetPieceMessage = new(A, 3) { RequestId = 7, MayDefer = true };

    [Fact]
    public void Deferrable_GetPiece_encodes_to_its_golden_text() => Assert.Equal(DeferrableGetPieceText, MessageCodec.Encode(DeferrableGetPieceMessage));

    [Fact]
    public void Deferrable_GetPiece_decodes_from_its_golden_text() => Assert.Equal(DeferrableGetPieceMessage, MessageCodec.Decode(DeferrableGetPieceText));

    [Fact]
    public void Deferrable_GetPiece_round_trips() => Assert.Equal(DeferrableGetPieceMessage, RoundTrip.Of(DeferrableGetPieceMessage));

    private const string ElsewhereText = "type::error;re::7;code::elsewhere;message::piece 3 was just sent to another peer\\; get it there;";

    [Fact]
    public void Elsewhere_error_encodes_to_its_golden_text() =>
        Assert.Equal(ElsewhereText, MessageCodec.Encode(new ErrorReply(ErrorCodes.Elsewhere, "piece 3 was just sent to another peer; get it there") { ReplyTo = 7 }));

    [Fact]
    public void GetPiece_without_defer_is_not_deferrable() => Assert.False(((GetPiece)MessageCodec.Decode(GetPieceText)).MayDefer);

    private const string PieceText = "type::piece;re::6;file::" + AHex + ";piece::3;";
    private static readonly PieceReply PieceMessage = new(A, 3) { ReplyTo = 6 };

    [Fact]
    public void Piece_encodes_to_its_golden_text() => Assert.Equal(PieceText, MessageCodec.Encode(PieceMessage));

    [Fact]
    public void Piece_decodes_from_its_golden_text() => Assert.Equal(PieceMessage, MessageCodec.Decode(PieceText));

    [Fact]
    public void Piece_round_trips() => Assert.Equal(PieceMessage, RoundTrip.Of(PieceMessage));

    // ---- get_have / have_map ----

    private const string GetHaveText = "type::get_have;id::8;file::" + BHex + ";";
    private static readonly GetHave GetHaveMessage = new(B) { RequestId = 8 };

    [Fact]
    public void GetHave_encodes_to_its_golden_text() => Assert.Equal(GetHaveText, MessageCodec.Encode(GetHaveMessage));

    [Fact]
    public void GetHave_decodes_from_its_golden_text() => Assert.Equal(GetHaveMessage, MessageCodec.Decode(GetHaveText));

    [Fact]
    public void GetHave_round_trips() => Assert.Equal(GetHaveMessage, RoundTrip.Of(GetHaveMessage));

    // A fetcher that wants have notices for pieces verified later says so (watch::1); older fetchers never do.
    private const string WatchingGetHaveText = "type::get_have;id::8;file::" + BHex + ";watch::1;";
    private static readonly GetHave WatchingGetHaveMessage = new(B) { RequestId = 8, Watch = true };

    [Fact]
    public void Watching_GetHave_encodes_to_its_golden_text() => Assert.Equal(WatchingGetHaveText, MessageCodec.Encode(WatchingGetHaveMessage));

    [Fact]
    public void Watching_GetHave_decodes_from_its_golden_text() => Assert.Equal(WatchingGetHaveMessage, MessageCodec.Decode(WatchingGetHaveText));

    [Fact]
    public void GetHave_without_watch_does_not_watch() => Assert.False(((GetHave)MessageCodec.Decode(GetHaveText)).Watch);

    // The notice a watched peer sends on the fetch connection: the same as the tracker's.
    private const string WatchedHaveText = "type::have;file::" + BHex + ";piece::9;";

    [Fact]
    public void Watched_have_notice_encodes_to_its_golden_text() => Assert.Equal(WatchedHaveText, MessageCodec.Encode(new HavePiece(B, 9)));

    // Pieces 0, 1 and 9 of 10: bytes C0 40, MSB first.
    private const string HaveMapText = "type::have_map;re::8;file::" + BHex + ";pieces::10;have::wEA=;";

    private static HaveMap HaveMapMessage()
    {
        var have = new PieceSet(10);
        have.Add(0);
        have.Add(1);
        have.Add(9);
        return new HaveMap(B, 10, have) { ReplyTo = 8 };
    }

    [Fact]
    public void HaveMap_encodes_to_its_golden_text() => Assert.Equal(HaveMapText, MessageCodec.Encode(HaveMapMessage()));

    [Fact]
    public void HaveMap_decodes_from_its_golden_text()
    {
        var map = Assert.IsType<HaveMap>(MessageCodec.Decode(HaveMapText));
        Assert.Equal((8L, B, 10), (map.ReplyTo, map.File, map.PieceCount));
        Assert.Equal([0, 1, 9], map.Have!.Indices());
    }

    [Fact]
    public void HaveMap_round_trips() => Assert.Equal([0, 1, 9], RoundTrip.Of(HaveMapMessage()).Have!.Indices());

    [Fact]
    public void HaveMap_of_a_complete_file_omits_have_and_decodes_as_null()
    {
        const string text = "type::have_map;re::8;file::" + BHex + ";pieces::10;";
        Assert.Equal(text, MessageCodec.Encode(new HaveMap(B, 10, PieceSet.Full(10)) { ReplyTo = 8 }));
        Assert.Equal(text, MessageCodec.Encode(new HaveMap(B, 10, null) { ReplyTo = 8 }));
        Assert.Null(Assert.IsType<HaveMap>(MessageCodec.Decode(text)).Have);
    }

    [Fact]
    public void HaveMap_with_no_pieces_held_sends_an_all_zero_bitfield()
    {
        const string text = "type::have_map;re::1;file::" + BHex + ";pieces::10;have::AAA=;";
        Assert.Equal(text, MessageCodec.Encode(new HaveMap(B, 10, new PieceSet(10)) { ReplyTo = 1 }));
        Assert.Equal(0, Assert.IsType<HaveMap>(MessageCodec.Decode(text)).Have!.Present);
    }
}
