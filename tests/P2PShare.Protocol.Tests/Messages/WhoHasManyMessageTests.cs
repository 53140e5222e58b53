using P2PShare.Protocol.Messages;
using static P2PShare.Protocol.Tests.TestIds;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>Golden bytes for <c>who_has_many</c> and <c>holders_many</c>, and what a decoder refuses in them.</summary>
public sealed class WhoHasManyMessageTests
{
    private const string WhoHasManyText =
        "type::who_has_many;id::7;count::2;file.0.id::" + AHex + ";file.0.length::20;file.0.piece_length::4;" +
        "file.1.id::" + BHex + ";file.1.length::5;file.1.piece_length::65536;";

    private static readonly WhoHasMany WhoHasManyMessage = new([new ShapedFile(A, new FileShape(20, 4)), new ShapedFile(B, new FileShape(5, 65536))]) { RequestId = 7 };

    private const string HoldersManyText =
        @"type::holders_many;re::7;peers::2;peer.0.host::127.0.0.1;peer.0.port::6881;peer.1.host::\:\:1;peer.1.port::7000;count::2;" +
        "file.0.id::" + AHex + ";file.0.length::20;file.0.piece_length::4;file.0.holders::1,0;" +
        "file.1.id::" + BHex + ";file.1.length::5;file.1.piece_length::65536;";

    private static HoldersMany HoldersManyMessage() => new(
        [new HolderEntry("127.0.0.1", 6881, null), new HolderEntry("::1", 7000, null)],
        [new FileHolders(new ShapedFile(A, new FileShape(20, 4)), [1, 0]), new FileHolders(new ShapedFile(B, new FileShape(5, 65536)), [])]) { ReplyTo = 7 };

    [Fact]
    public void WhoHasMany_encodes_to_its_golden_text() => Assert.Equal(WhoHasManyText, MessageCodec.Encode(WhoHasManyMessage));

    [Fact]
    public void WhoHasMany_decodes_from_its_golden_text()
    {
        var decoded = Assert.IsType<WhoHasMany>(MessageCodec.Decode(WhoHasManyText));
        Assert.Equal(7, decoded.RequestId);
        Assert.Equal(WhoHasManyMessage.Files, decoded.Files);
    }

    [Fact]
    public void HoldersMany_encodes_to_its_golden_text() => Assert.Equal(HoldersManyText, MessageCodec.Encode(HoldersManyMessage()));

    [Fact]
    public void HoldersMany_decodes_from_its_golden_text_with_each_files_holders_by_index()
    {
        var decoded = Assert.IsType<HoldersMany>(RoundTrip.Of(Assert.IsType<HoldersMany>(MessageCodec.Decode(HoldersManyText))));
        Assert.Equal(7, decoded.ReplyTo);
        Assert.Equal(["[::1]:7000", "127.0.0.1:6881"], decoded.HoldersOf(0).Select(p => p.Endpoint));
        Assert.Empty(decoded.HoldersOf(1));
        Assert.Equal(new ShapedFile(B, new FileShape(5, 65536)), decoded.Files[1].File);
    }

    [Theory]
    [InlineData("file.0.holders::2;")]    // no peer 2
    [InlineData("file.0.holders::0,0;")]  // a peer twice
    [InlineData("file.0.holders::;")]     // an empty index
    [InlineData("file.0.holders::0,;")]
    [InlineData("file.0.holders::-1;")]
    [InlineData("file.0.holders::+1;")]
    [InlineData("file.0.holders::1 ;")]
    [InlineData("file.0.holders::99999999999;")]
    public void HoldersMany_with_a_bad_holder_index_is_a_protocol_error(string holders)
    {
        string text = HoldersManyText.Replace("file.0.holders::1,0;", holders, StringComparison.Ordinal);
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode(text));
    }

    [Theory]
    [InlineData("count::0;")]     // asks for nothing
    [InlineData("count::1001;")]  // more than one request may name
    public void WhoHasMany_with_a_count_out_of_range_is_a_protocol_error(string count) =>
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode(WhoHasManyText.Replace("count::2;", count, StringComparison.Ordinal)));

    [Fact]
    public void WhoHasMany_with_a_shape_over_the_limits_is_a_protocol_error() =>
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode(WhoHasManyText.Replace("file.1.piece_length::65536;", "file.1.piece_length::0;", StringComparison.Ordinal)));

    [Fact]
    public void Every_part_of_a_holders_many_message_fits_its_size_bound()
    {
        var peers = Enumerable.Range(0, 50).Select(i => new HolderEntry(new string(':', 45), 65535, null)).ToList();
        var files = Enumerable.Range(0, 3).Select(_ => new FileHolders(new ShapedFile(A, new FileShape(long.MaxValue, int.MaxValue)), [.. Enumerable.Range(0, 50)])).ToList();
        var message = new HoldersMany(peers, files) { ReplyTo = long.MaxValue };
        int bound = HoldersMany.HeadSizeBound + peers.Sum(HoldersMany.PeerSizeBound) + 3 * HoldersMany.FileSizeBound(50);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(MessageCodec.Encode(message)) <= bound);
    }
}
