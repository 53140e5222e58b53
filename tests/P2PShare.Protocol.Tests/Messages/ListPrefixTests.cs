using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Tests.Messages;

public sealed class ListPrefixTests
{
    [Fact]
    public void A_list_for_one_folder_encodes_to_its_golden_text_and_back() // PROTOCOL.md §8, `list`
    {
        const string text = "type::list;id::11;prefix::photos/2025/;";

        Assert.Equal(text, MessageCodec.Encode(new ListFiles { Prefix = "photos/2025/", RequestId = 11 }));
        Assert.Equal("photos/2025/", Assert.IsType<ListFiles>(MessageCodec.Decode(text)).Prefix);
    }

    [Fact]
    public void Name_prefix_and_cursor_go_in_the_documented_order()
    {
        Assert.Equal("type::list;id::3;name::a;prefix::p/;after::c;", MessageCodec.Encode(new ListFiles("a", "c") { Prefix = "p/", RequestId = 3 }));
    }

    [Fact]
    public void An_empty_prefix_is_no_filter_and_is_not_sent()
    {
        Assert.Equal("type::list;id::9;", MessageCodec.Encode(new ListFiles { Prefix = "", RequestId = 9 }));
        Assert.Null(Assert.IsType<ListFiles>(MessageCodec.Decode("type::list;id::9;prefix::;")).Prefix);
    }
}
