using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Tests.Framing;

/// <summary>Golden bytes of whole frames: u32 BE frame length | u32 BE header length | UTF-8 header | payload.</summary>
public sealed class FrameWriterTests
{
    [Fact]
    public void Frame_with_payload_encodes_to_its_golden_bytes()
    {
        byte[] expected =
        [
            0x00, 0x00, 0x00, 0x15, // frame length 21 = 4 + 15 + 2
            0x00, 0x00, 0x00, 0x0F, // header length 15
            .. "type::ok;re::5;"u8,
            0xDE, 0xAD,             // payload
        ];
        Assert.Equal(expected, FrameWriter.Encode("type::ok;re::5;", [0xDE, 0xAD]));
    }

    [Fact]
    public void Header_length_counts_utf8_bytes_not_characters()
    {
        // "é" is 2 bytes, "🎉" is 4 bytes (2 UTF-16 chars): 17 characters, 20 bytes.
        byte[] expected =
        [
            0x00, 0x00, 0x00, 0x18, // 4 + 20
            0x00, 0x00, 0x00, 0x14, // 20
            .. "type::bye;x::"u8, 0xC3, 0xA9, 0xF0, 0x9F, 0x8E, 0x89, (byte)';',
        ];
        Assert.Equal(expected, FrameWriter.Encode("type::bye;x::é🎉;", []));
    }

    [Fact]
    public async Task WriteAsync_writes_the_same_bytes_as_Encode_for_small_and_large_payloads()
    {
        foreach (int size in new[] { 0, 1, 16 * 1024, 16 * 1024 + 1, 300_000 })
        {
            byte[] payload = new byte[size];
            for (int i = 0; i < size; i++)
                payload[i] = (byte)(i * 31);
            using var stream = new MemoryStream();
            await FrameWriter.WriteAsync(stream, "type::piece;", payload, ProtocolLimits.Default, CancellationToken.None);
            Assert.Equal(FrameWriter.Encode("type::piece;", payload), stream.ToArray());
        }
    }

    [Fact]
    public async Task WriteAsync_refuses_a_frame_the_receiver_would_refuse()
    {
        var limits = ProtocolLimits.Default with { MaxFrameLength = 100, MaxHeaderLength = 20 };
        using var stream = new MemoryStream();
        var e = await Assert.ThrowsAsync<ProtocolException>(() => FrameWriter.WriteAsync(stream, "type::x;", new byte[100], limits, CancellationToken.None).AsTask());
        Assert.Contains("exceeds the limit of 100", e.Message, StringComparison.Ordinal);
        e = await Assert.ThrowsAsync<ProtocolException>(() => FrameWriter.WriteAsync(stream, "type::" + new string('x', 20) + ";", default, limits, CancellationToken.None).AsTask());
        Assert.Contains("exceeds the limit of 20", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Worked_examples_in_PROTOCOL_md_match_the_encoder()
    {
        var piece = MessageCodec.Encode(new PieceReply(TestIds.A, 3) { ReplyTo = 6 });
        Assert.Equal(
            "0000006a00000062" +
            "747970653a3a70696563653b72653a3a363b66696c653a3a" +
            "30303031303230333034303530363037303830393061306230633064306530663130313131323133313431353136313731383139316131623163316431653166" +
            "3b70696563653a3a333b" +
            "6869210a",
            Convert.ToHexStringLower(FrameWriter.Encode(piece, "hi!\n"u8)));

        var list = MessageCodec.Encode(new ListFiles("a;b::c") { RequestId = 2 });
        Assert.Equal(@"type::list;id::2;name::a\;b\:\:c;", list);
        Assert.Equal("0000002500000021747970653a3a6c6973743b69643a3a323b6e616d653a3a615c3b625c3a5c3a633b",
            Convert.ToHexStringLower(FrameWriter.Encode(list, [])));
    }
}
