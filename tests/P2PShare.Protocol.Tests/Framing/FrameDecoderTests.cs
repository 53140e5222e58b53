using System.Buffers.Binary;
using P2PShare.Protocol.Framing;

namespace P2PShare.Protocol.Tests.Framing;

/// <summary>Short input is "need more bytes"; impossible input throws before anything is allocated.</summary>
public sealed class FrameDecoderTests
{
    private static readonly byte[] Payload = [1, 2, 3, 0, 255];
    private static readonly byte[] Valid = FrameWriter.Encode("type::piece;re::1;x::é;", Payload);

    [Fact]
    public void Every_proper_prefix_of_a_valid_frame_needs_more_bytes()
    {
        for (int length = 0; length < Valid.Length; length++)
        {
            bool decoded = FrameDecoder.TryDecode(Valid.AsSpan(0, length), ProtocolLimits.Default, out var frame, out int consumed);
            Assert.False(decoded, $"a prefix of {length} of {Valid.Length} bytes decoded");
            Assert.Null(frame);
            Assert.Equal(0, consumed);
        }
    }

    [Fact]
    public void A_whole_frame_decodes_with_header_and_payload()
    {
        Assert.True(FrameDecoder.TryDecode(Valid, ProtocolLimits.Default, out var frame, out int consumed));
        using (frame)
        {
            Assert.Equal(Valid.Length, consumed);
            Assert.Equal("piece", frame!.Header.Type);
            Assert.Equal("é", frame.Header.Required("x"));
            Assert.Equal(Payload, frame.Payload.ToArray());
        }
    }

    [Fact]
    public void Two_concatenated_frames_decode_one_after_the_other()
    {
        byte[] second = FrameWriter.Encode("type::bye;", []);
        byte[] both = [.. Valid, .. second];

        Assert.True(FrameDecoder.TryDecode(both, ProtocolLimits.Default, out var first, out int consumed));
        using (first)
        {
            Assert.Equal(Valid.Length, consumed);
            Assert.Equal("piece", first!.Header.Type);
        }
        Assert.True(FrameDecoder.TryDecode(both.AsSpan(consumed), ProtocolLimits.Default, out var next, out int consumed2));
        using (next)
        {
            Assert.Equal(second.Length, consumed2);
            Assert.Equal("bye", next!.Header.Type);
            Assert.True(next.Payload.IsEmpty);
        }
    }

    [Fact]
    public void Trailing_bytes_of_a_partial_second_frame_are_left_alone()
    {
        byte[] both = [.. Valid, .. FrameWriter.Encode("type::bye;", [])[..5]];
        Assert.True(FrameDecoder.TryDecode(both, ProtocolLimits.Default, out var frame, out int consumed));
        frame!.Dispose();
        Assert.Equal(Valid.Length, consumed);
        Assert.False(FrameDecoder.TryDecode(both.AsSpan(consumed), ProtocolLimits.Default, out _, out _));
    }

    private static byte[] Prefix(uint frameLength, uint headerLength)
    {
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, frameLength);
        BinaryPrimitives.WriteUInt32BigEndian(prefix.AsSpan(4), headerLength);
        return prefix;
    }

    public static TheoryData<uint> OversizedLengths() => new() { uint.MaxValue, 16 * 1024 * 1024 + 1, int.MaxValue, (uint)int.MaxValue + 1 };

    [Theory]
    [MemberData(nameof(OversizedLengths))]
    public void Oversized_length_prefix_is_refused_before_allocating(uint claimed)
    {
        byte[] prefix = Prefix(claimed, 10);
        Assert.Throws<ProtocolException>(() => FrameDecoder.TryDecode(prefix, ProtocolLimits.Default, out _, out _)); // warm up

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ProtocolException>(() => FrameDecoder.TryDecode(prefix, ProtocolLimits.Default, out _, out _));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal($"frame of {claimed} bytes exceeds the limit of {16 * 1024 * 1024}", e.Message);
        Assert.True(allocated < 64 * 1024, $"refusing a {claimed}-byte frame allocated {allocated} bytes");
    }

    [Fact]
    public void Length_exactly_at_the_limit_is_not_refused_but_needs_more_bytes()
    {
        byte[] prefix = Prefix(16 * 1024 * 1024, 10);
        Assert.False(FrameDecoder.TryDecode(prefix, ProtocolLimits.Default, out _, out _));
    }

    [Theory]
    [InlineData(0u, 0u, "frame of 0 bytes is too short")]
    [InlineData(3u, 0u, "frame of 3 bytes is too short")]
    [InlineData(4u, 0u, "frame has an empty header")]
    [InlineData(10u, 7u, "header of 7 bytes does not fit a frame of 10")]
    [InlineData(100u, uint.MaxValue, "header of 4294967295 bytes does not fit a frame of 100")]
    [InlineData(5_000_000u, 4_194_305u, "header of 4194305 bytes exceeds the limit of 4194304")]
    public void Impossible_prefixes_are_refused_with_the_numbers(uint frameLength, uint headerLength, string message)
    {
        var e = Assert.Throws<ProtocolException>(() => FrameDecoder.TryDecode(Prefix(frameLength, headerLength), ProtocolLimits.Default, out _, out _));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Custom_limits_are_honoured()
    {
        var limits = ProtocolLimits.Default with { MaxFrameLength = 64 };
        var e = Assert.Throws<ProtocolException>(() => FrameDecoder.TryDecode(Prefix(65, 10), limits, out _, out _));
        Assert.Equal("frame of 65 bytes exceeds the limit of 64", e.Message);
    }

    [Fact]
    public void Frame_payload_is_unavailable_after_dispose()
    {
        Assert.True(FrameDecoder.TryDecode(Valid, ProtocolLimits.Default, out var frame, out _));
        frame!.Dispose();
        frame.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => frame.Payload);
    }
}
