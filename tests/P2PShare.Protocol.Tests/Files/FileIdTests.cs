using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Tests.Files;

/// <summary>File ids: 64 lowercase hex digits on the wire, equality by bytes.</summary>
public sealed class FileIdTests
{
    [Fact]
    public void Text_is_64_lowercase_hex_digits_and_parses_back() =>
        Assert.Equal(TestIds.AHex, FileId.Parse(TestIds.AHex).ToString());

    [Fact]
    public void Parse_accepts_upper_case() => Assert.Equal(TestIds.B, FileId.Parse(TestIds.BHex.ToUpperInvariant()));

    [Fact]
    public void Short_text_is_the_first_eight_digits() => Assert.Equal("a0a1a2a3", TestIds.B.ShortText);

    [Fact]
    public void Equality_is_by_bytes()
    {
        Assert.True(FileId.Parse(TestIds.AHex) == TestIds.A);
        Assert.True(TestIds.A != TestIds.B);
        Assert.Equal(TestIds.A.GetHashCode(), FileId.FromBytes(TestIds.A.Bytes).GetHashCode());
        Assert.Equal(default(FileId), FileId.FromBytes(new byte[32]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f0")]
    [InlineData("g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1")]
    [InlineData("-00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1")]
    public void Bad_text_is_rejected(string text)
    {
        Assert.False(FileId.TryParse(text, out _));
        Assert.Throws<ProtocolException>(() => FileId.Parse(text));
    }

    [Fact]
    public void Wrong_byte_count_is_rejected() => Assert.Throws<ProtocolException>(() => FileId.FromBytes(new byte[33]));

    [Fact]
    public void Ids_a_stranger_chose_to_share_their_first_bytes_still_hash_apart()
    {
        // A hash of the first bytes let an announce of such ids take seconds under the registry's lock.
        var hashes = Enumerable.Range(0, 1000).Select(i =>
        {
            var bytes = new byte[32];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(28), i);
            return FileId.FromBytes(bytes).GetHashCode();
        }).ToHashSet();

        Assert.InRange(hashes.Count, 990, 1000);
    }
}
