using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;
using static P2PShare.Protocol.Tests.TestIds;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>Golden bytes for the peer ↔ tracker messages.</summary>
public sealed class TrackerMessageTests
{
    private const string AwkwardName = "report;v1::final.txt";
    private const string UnicodeName = "Ünïcødé 文件 🎉.txt";

    private static PieceSet Set(int count, params int[] present)
    {
        var set = new PieceSet(count);
        foreach (int i in present)
            set.Add(i);
        return set;
    }

    private static int[]? Indices(PieceSet? set) => set?.Indices().ToArray();

    private static string Describe(PieceSet? set) => set is null ? "all" : string.Join(',', set.Indices());

    // ---- announce ----

    private const string AnnounceText =
        "type::announce;id::3;count::2;" +
        "file.0.id::" + AHex + @";file.0.name::report\;v1\:\:final.txt;file.0.length::10;file.0.piece_length::4;" +
        "file.1.id::" + BHex + ";file.1.name::Ünïcødé 文件 🎉.txt;file.1.length::20;file.1.piece_length::4;file.1.have::oA==;";

    private static Announce AnnounceMessage() => new(
    [
        new FileEntry(A, AwkwardName, 10, 4, null),
        new FileEntry(B, UnicodeName, 20, 4, Set(5, 0, 2)),
    ]) { RequestId = 3 };

    [Fact]
    public void Announce_encodes_to_its_golden_text() => Assert.Equal(AnnounceText, MessageCodec.Encode(AnnounceMessage()));

    [Fact]
    public void Announce_decodes_from_its_golden_text()
    {
        var announce = Assert.IsType<Announce>(MessageCodec.Decode(AnnounceText));
        Assert.Equal(3, announce.RequestId);
        Assert.Equal(2, announce.Files.Count);
        var (first, second) = (announce.Files[0], announce.Files[1]);
        Assert.Equal((A, AwkwardName, 10L, 4, 3), (first.Id, first.Name, first.Length, first.PieceLength, first.PieceCount));
        Assert.Null(first.Have);
        Assert.True(first.IsComplete);
        Assert.Equal((B, UnicodeName, 20L, 4, 5), (second.Id, second.Name, second.Length, second.PieceLength, second.PieceCount));
        Assert.Equal([0, 2], Indices(second.Have)!);
        Assert.False(second.IsComplete);
    }

    [Fact]
    public void Announce_round_trips()
    {
        var back = RoundTrip.Of(AnnounceMessage());
        Assert.Equal(AnnounceMessage().Files.Select(f => (f.Id, f.Name, f.Length, f.PieceLength, Describe(f.Have))),
                     back.Files.Select(f => (f.Id, f.Name, f.Length, f.PieceLength, Describe(f.Have))));
    }

    [Fact]
    public void Announce_with_a_complete_piece_set_writes_no_have_key_and_decodes_it_as_complete()
    {
        var announce = new Announce([new FileEntry(A, "a b", 8, 4, PieceSet.Full(2))]);
        string text = MessageCodec.Encode(announce);
        Assert.Equal("type::announce;count::1;file.0.id::" + AHex + ";file.0.name::a b;file.0.length::8;file.0.piece_length::4;", text);
        Assert.Null(Assert.IsType<Announce>(MessageCodec.Decode(text)).Files[0].Have);
    }

    [Fact]
    public void Announce_of_an_empty_repository_is_just_a_zero_count()
    {
        Assert.Equal("type::announce;id::1;count::0;", MessageCodec.Encode(new Announce([]) { RequestId = 1 }));
        Assert.Empty(RoundTrip.Of(new Announce([]) { RequestId = 1 }).Files);
    }

    [Fact]
    public void Announce_of_an_empty_file_has_zero_pieces()
    {
        var back = RoundTrip.Of(new Announce([new FileEntry(A, "empty.txt", 0, 4, null)]) { ReplyTo = 4 });
        Assert.Equal(0, back.Files[0].PieceCount);
        Assert.True(back.Files[0].IsComplete);
    }

    // ---- ok answering an announce ----

    private const string AnnounceOkText =
        "type::ok;re::3;refused::2;count::1;" +
        "refusal.0.index::1;refusal.0.id::" + BHex + @";refusal.0.reason::over this tracker's limit of 1 files per peer\; sorry;";

    private static Ok AnnounceOkMessage() => new()
    {
        ReplyTo = 3,
        RefusedCount = 2,
        Refusals = [new AnnounceRefusal(1, B, "over this tracker's limit of 1 files per peer; sorry")],
    };

    [Fact]
    public void Ok_with_refusals_encodes_to_its_golden_text() => Assert.Equal(AnnounceOkText, MessageCodec.Encode(AnnounceOkMessage()));

    [Fact]
    public void Ok_with_refusals_decodes_from_its_golden_text()
    {
        var ok = Assert.IsType<Ok>(MessageCodec.Decode(AnnounceOkText));
        Assert.Equal((3L, 2), (ok.ReplyTo, ok.RefusedCount));
        Assert.Equal(AnnounceOkMessage().Refusals, ok.Refusals);
    }

    [Fact]
    public void Ok_with_refusals_round_trips()
    {
        var back = RoundTrip.Of(AnnounceOkMessage());
        Assert.Equal(AnnounceOkMessage().RefusedCount, back.RefusedCount);
        Assert.Equal(AnnounceOkMessage().Refusals, back.Refusals);
    }

    [Fact]
    public void A_plain_ok_has_no_refusals_and_stays_two_pairs()
    {
        Assert.Equal("type::ok;re::3;", MessageCodec.Encode(new Ok { ReplyTo = 3 }));
        var ok = Assert.IsType<Ok>(MessageCodec.Decode("type::ok;re::3;"));
        Assert.Equal((0, null), (ok.RefusedCount, ok.Refusals));
    }

    [Theory]
    [InlineData("refused::1;count::2;")]                                               // more listed than refused
    [InlineData("refused::1;count::1;refusal.0.index::0;refusal.0.reason::x;")]        // no id
    [InlineData("refused::-1;count::0;")]
    public void Ok_with_malformed_refusals_is_a_protocol_error(string tail) =>
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode("type::ok;re::3;" + tail));

    // ---- have ----

    private static readonly string HaveText = "type::have;file::" + AHex + ";piece::7;";
    private static readonly HavePiece HaveMessage = new(A, 7);

    [Fact]
    public void Have_encodes_to_its_golden_text() => Assert.Equal(HaveText, MessageCodec.Encode(HaveMessage));

    [Fact]
    public void Have_decodes_from_its_golden_text() => Assert.Equal(HaveMessage, MessageCodec.Decode(HaveText));

    [Fact]
    public void Have_round_trips() => Assert.Equal(HaveMessage, RoundTrip.Of(HaveMessage));

    // ---- have_set ----

    // 10 pieces, holding 0, 1 and 9: bytes C0 40 (§4.4).
    private static readonly string HaveSetText = "type::have_set;file::" + AHex + ";pieces::10;have::wEA=;";
    private static readonly HaveSet HaveSetMessage = new(A, 10, PieceSet.FromBytes(10, [0xC0, 0x40]));

    [Fact]
    public void Have_set_encodes_to_its_golden_text() => Assert.Equal(HaveSetText, MessageCodec.Encode(HaveSetMessage));

    [Fact]
    public void Have_set_decodes_from_its_golden_text()
    {
        var back = Assert.IsType<HaveSet>(MessageCodec.Decode(HaveSetText));
        Assert.Equal((A, 10), (back.File, back.PieceCount));
        Assert.Equal([0, 1, 9], back.Have.Indices());
    }

    [Fact]
    public void Have_set_keeps_the_bitfield_even_when_every_piece_is_held() =>
        Assert.Equal("type::have_set;file::" + AHex + ";pieces::3;have::4A==;", MessageCodec.Encode(new HaveSet(A, 3, PieceSet.Full(3))));

    [Theory]
    [InlineData("pieces::10;")]                 // no bitfield
    [InlineData("pieces::10;have::wA==;")]      // one byte for ten pieces
    [InlineData("pieces::10;have::wEE=;")]      // a bit past the last piece
    [InlineData("pieces::0;have::;")]           // nothing to gain in an empty file
    public void Have_set_with_a_bad_bitfield_is_a_protocol_error(string tail) =>
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode("type::have_set;file::" + AHex + ";" + tail));

    // ---- cancel ----

    [Fact]
    public void Cancel_encodes_to_its_golden_text_and_round_trips()
    {
        Assert.Equal("type::cancel;request::42;", MessageCodec.Encode(new CancelRequest(42)));
        Assert.Equal(new CancelRequest(42), MessageCodec.Decode("type::cancel;request::42;"));
    }

    [Theory]
    [InlineData("type::cancel;")]
    [InlineData("type::cancel;request::0;")]
    [InlineData("type::cancel;request::x;")]
    public void Cancel_without_a_request_id_is_a_protocol_error(string text) =>
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode(text));

    // ---- list ----

    private const string ListText = @"type::list;id::9;name::a\;b\:\:c\\d\ne\rf Ünïcødé 文件 🎉;";
    private static readonly ListFiles ListMessage = new("a;b::c\\d\ne\rf Ünïcødé 文件 🎉") { RequestId = 9 };

    [Fact]
    public void List_encodes_to_its_golden_text() => Assert.Equal(ListText, MessageCodec.Encode(ListMessage));

    [Fact]
    public void List_decodes_from_its_golden_text() => Assert.Equal(ListMessage, MessageCodec.Decode(ListText));

    [Fact]
    public void List_round_trips() => Assert.Equal(ListMessage, RoundTrip.Of(ListMessage));

    [Fact]
    public void List_without_a_name_omits_the_key_and_decodes_to_null()
    {
        Assert.Equal("type::list;id::9;", MessageCodec.Encode(new ListFiles() { RequestId = 9 }));
        Assert.Null(Assert.IsType<ListFiles>(MessageCodec.Decode("type::list;id::9;")).Name);
    }

    private const string ListPageText = "type::list;id::10;name::a.txt;after::" + AHex + ".10.4.a.txt;";
    private static readonly ListFiles ListPageMessage = new("a.txt", AHex + ".10.4.a.txt") { RequestId = 10 };

    [Fact]
    public void List_after_a_cursor_encodes_to_its_golden_text() => Assert.Equal(ListPageText, MessageCodec.Encode(ListPageMessage));

    [Fact]
    public void List_after_a_cursor_decodes_from_its_golden_text() => Assert.Equal(ListPageMessage, MessageCodec.Decode(ListPageText));

    [Fact]
    public void List_after_a_cursor_round_trips() => Assert.Equal(ListPageMessage, RoundTrip.Of(ListPageMessage));

    // ---- update ----

    private const string UpdateText = "type::update;id::4;";
    private static readonly UpdateRequest UpdateMessage = new() { RequestId = 4 };

    [Fact]
    public void Update_encodes_to_its_golden_text() => Assert.Equal(UpdateText, MessageCodec.Encode(UpdateMessage));

    [Fact]
    public void Update_decodes_from_its_golden_text() => Assert.Equal(UpdateMessage, MessageCodec.Decode(UpdateText));

    [Fact]
    public void Update_round_trips() => Assert.Equal(UpdateMessage, RoundTrip.Of(UpdateMessage));

    // ---- refresh ----

    private const string RefreshText = "type::refresh;id::12;";
    private static readonly Refresh RefreshMessage = new() { RequestId = 12 };

    [Fact]
    public void Refresh_encodes_to_its_golden_text() => Assert.Equal(RefreshText, MessageCodec.Encode(RefreshMessage));

    [Fact]
    public void Refresh_decodes_from_its_golden_text() => Assert.Equal(RefreshMessage, MessageCodec.Decode(RefreshText));

    [Fact]
    public void Refresh_round_trips() => Assert.Equal(RefreshMessage, RoundTrip.Of(RefreshMessage));

    // ---- files ----

    private const string FilesText =
        "type::files;re::9;count::2;" +
        "file.0.id::" + AHex + @";file.0.name::report\;v1\:\:final.txt;file.0.length::10;file.0.piece_length::4;file.0.complete::2;file.0.partial::1;" +
        "file.1.id::" + BHex + ";file.1.name::Ünïcødé 文件 🎉.txt;file.1.length::0;file.1.piece_length::1048576;file.1.complete::1;file.1.partial::0;";

    private static FileList FilesMessage() => new(
    [
        new NetworkFile(A, AwkwardName, 10, 4, 2, 1),
        new NetworkFile(B, UnicodeName, 0, 1048576, 1, 0),
    ]) { ReplyTo = 9 };

    [Fact]
    public void Files_encodes_to_its_golden_text() => Assert.Equal(FilesText, MessageCodec.Encode(FilesMessage()));

    [Fact]
    public void Files_decodes_from_its_golden_text()
    {
        var files = Assert.IsType<FileList>(MessageCodec.Decode(FilesText));
        Assert.Equal(9, files.ReplyTo);
        Assert.Equal(FilesMessage().Files, files.Files);
    }

    [Fact]
    public void Files_round_trips() => Assert.Equal(FilesMessage().Files, RoundTrip.Of(FilesMessage()).Files);

    private const string FilesPageText =
        "type::files;re::10;more::7;next::" + AHex + @".10.4.report\;v1\:\:final.txt;count::1;" +
        "file.0.id::" + AHex + @";file.0.name::report\;v1\:\:final.txt;file.0.length::10;file.0.piece_length::4;file.0.complete::2;file.0.partial::1;";

    private static FileList FilesPageMessage() => new([new NetworkFile(A, AwkwardName, 10, 4, 2, 1)])
    {
        ReplyTo = 10,
        More = 7,
        Next = AHex + ".10.4." + AwkwardName,
    };

    [Fact]
    public void Files_page_encodes_to_its_golden_text() => Assert.Equal(FilesPageText, MessageCodec.Encode(FilesPageMessage()));

    [Fact]
    public void Files_page_decodes_from_its_golden_text()
    {
        var page = Assert.IsType<FileList>(MessageCodec.Decode(FilesPageText));
        Assert.Equal((10L, 7L, FilesPageMessage().Next), (page.ReplyTo, page.More, page.Next));
        Assert.Equal(FilesPageMessage().Files, page.Files);
    }

    [Fact]
    public void Files_page_round_trips()
    {
        var back = RoundTrip.Of(FilesPageMessage());
        Assert.Equal((FilesPageMessage().More, FilesPageMessage().Next), (back.More, back.Next));
        Assert.Equal(FilesPageMessage().Files, back.Files);
    }

    [Fact]
    public void The_last_page_has_no_cursor_and_nothing_more() =>
        Assert.Equal((0L, null), (RoundTrip.Of(FilesMessage()).More, RoundTrip.Of(FilesMessage()).Next));

    [Theory]
    [InlineData("next::abc;count::0;")]            // a cursor without how many are left
    [InlineData("more::0;next::abc;count::0;")]    // a cursor with nothing left
    [InlineData("more::3;next::;count::0;")]       // an empty cursor
    public void Files_with_a_malformed_page_is_a_protocol_error(string tail) =>
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode("type::files;re::1;" + tail));

    private const string FilesByNameText =
        "type::files;re::9;count::1;" +
        "file.0.id::" + AHex + ";file.0.name::a/copy.txt;file.0.length::10;file.0.piece_length::4;file.0.complete::3;file.0.partial::1;file.0.name_complete::1;file.0.name_partial::0;";

    private static FileList FilesByNameMessage() =>
        new([new NetworkFile(A, "a/copy.txt", 10, 4, 3, 1) { NameCompleteHolders = 1, NamePartialHolders = 0 }]) { ReplyTo = 9 };

    [Fact]
    public void Files_gives_the_holders_of_an_entrys_name_only_when_they_are_fewer_than_the_contents()
    {
        Assert.Equal(FilesByNameText, MessageCodec.Encode(FilesByNameMessage()));
        var back = Assert.Single(Assert.IsType<FileList>(MessageCodec.Decode(FilesByNameText)).Files);
        Assert.Equal((3, 1, 1, 0), (back.CompleteHolders, back.PartialHolders, back.NameCompleteHolders, back.NamePartialHolders));
        Assert.True(back.HeldUnderOtherNames);
    }

    [Fact]
    public void Files_without_name_holders_counts_every_holder_as_holding_the_name() =>
        Assert.All(Assert.IsType<FileList>(MessageCodec.Decode(FilesText)).Files, f =>
            Assert.Equal((f.CompleteHolders, f.PartialHolders, false), (f.NameCompleteHolders, f.NamePartialHolders, f.HeldUnderOtherNames)));

    [Theory]
    [InlineData("file.0.name_complete::1;")]                          // one without the other
    [InlineData("file.0.name_complete::4;file.0.name_partial::0;")]   // more holders of the name than of the content
    public void Files_with_malformed_name_holders_is_a_protocol_error(string tail) =>
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode(FilesByNameText[..FilesByNameText.IndexOf("file.0.name_complete", StringComparison.Ordinal)] + tail));

    [Fact]
    public void Every_entry_of_a_files_message_fits_its_size_bound()
    {
        var worst = new NetworkFile(A, new string(';', 255), long.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue) { NameCompleteHolders = int.MaxValue - 1, NamePartialHolders = int.MaxValue - 1 };
        var list = new FileList(Enumerable.Repeat(worst, 3).ToList()) { ReplyTo = long.MaxValue, More = long.MaxValue, Next = new string(':', 300) };
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(MessageCodec.Encode(list)) <= FileList.HeadSizeBound(300) + 3 * FileList.EntrySizeBound(worst));
    }

    // ---- who_has ----

    private const string WhoHasText = "type::who_has;id::5;file::" + AHex + ";";
    private static readonly WhoHas WhoHasMessage = new(A) { RequestId = 5 };

    [Fact]
    public void WhoHas_encodes_to_its_golden_text() => Assert.Equal(WhoHasText, MessageCodec.Encode(WhoHasMessage));

    [Fact]
    public void WhoHas_decodes_from_its_golden_text() => Assert.Equal(WhoHasMessage, MessageCodec.Decode(WhoHasText));

    [Fact]
    public void WhoHas_round_trips() => Assert.Equal(WhoHasMessage, RoundTrip.Of(WhoHasMessage));

    [Fact]
    public void WhoHas_accepts_an_uppercase_file_id_and_writes_it_back_lowercase() =>
        Assert.Equal(WhoHasText, MessageCodec.Encode(MessageCodec.Decode("type::who_has;id::5;file::" + AHex.ToUpperInvariant() + ";")));

    private const string WhoHasShapeText = "type::who_has;id::5;file::" + AHex + ";length::20;piece_length::4;";
    private static readonly WhoHas WhoHasShapeMessage = new(A) { RequestId = 5, Shape = new FileShape(20, 4) };

    [Fact]
    public void WhoHas_with_a_shape_encodes_to_its_golden_text() => Assert.Equal(WhoHasShapeText, MessageCodec.Encode(WhoHasShapeMessage));

    [Fact]
    public void WhoHas_with_a_shape_decodes_from_its_golden_text() => Assert.Equal(WhoHasShapeMessage, MessageCodec.Decode(WhoHasShapeText));

    [Fact]
    public void WhoHas_with_a_shape_round_trips() => Assert.Equal(WhoHasShapeMessage, RoundTrip.Of(WhoHasShapeMessage));

    [Theory]
    [InlineData("length::20;")]                  // half a shape
    [InlineData("piece_length::4;")]
    [InlineData("length::20;piece_length::0;")]
    [InlineData("length::-1;piece_length::4;")]
    public void WhoHas_with_a_malformed_shape_is_a_protocol_error(string tail) =>
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode("type::who_has;id::5;file::" + AHex + ";" + tail));

    // ---- holders ----

    private const string HoldersText =
        "type::holders;re::5;file::" + AHex + ";name::Ünïcødé 文件 🎉.txt;length::20;piece_length::4;count::2;" +
        @"holder.0.host::127.0.0.1;holder.0.port::6881;holder.1.host::\:\:1;holder.1.port::7000;holder.1.have::SA==;";

    private static Holders HoldersMessage() => new(A, UnicodeName, 20, 4,
    [
        new HolderEntry("127.0.0.1", 6881, null),
        new HolderEntry("::1", 7000, Set(5, 1, 4)),
    ]) { ReplyTo = 5 };

    [Fact]
    public void Holders_encodes_to_its_golden_text() => Assert.Equal(HoldersText, MessageCodec.Encode(HoldersMessage()));

    [Fact]
    public void Holders_decodes_from_its_golden_text()
    {
        var holders = Assert.IsType<Holders>(MessageCodec.Decode(HoldersText));
        Assert.Equal((5L, A, UnicodeName, 20L, 4, 5), (holders.ReplyTo, holders.File, holders.Name, holders.Length, holders.PieceLength, holders.PieceCount));
        Assert.Equal(2, holders.Peers.Count);
        Assert.Equal(("127.0.0.1", 6881, "127.0.0.1:6881"), (holders.Peers[0].Host, holders.Peers[0].Port, holders.Peers[0].Endpoint));
        Assert.Null(holders.Peers[0].Have);
        Assert.Equal(("::1", 7000, "[::1]:7000"), (holders.Peers[1].Host, holders.Peers[1].Port, holders.Peers[1].Endpoint));
        Assert.Equal([1, 4], Indices(holders.Peers[1].Have)!);
    }

    [Fact]
    public void Holders_round_trips()
    {
        var back = RoundTrip.Of(HoldersMessage());
        Assert.Equal(HoldersMessage().Peers.Select(p => (p.Host, p.Port)), back.Peers.Select(p => (p.Host, p.Port)));
    }
}
