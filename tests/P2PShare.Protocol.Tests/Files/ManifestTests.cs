using System.Security.Cryptography;
using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Tests.Files;

/// <summary>Manifests: canonical bytes, ids, verification of pieces and of fetched manifests.</summary>
public sealed class ManifestTests
{
    // A 10-byte file in pieces of 4: "0123", "4567", "89".
    private static readonly byte[] Content = "0123456789"u8.ToArray();
    private static readonly byte[][] Pieces = [Content[0..4], Content[4..8], Content[8..10]];

    private static byte[] Hashes(IEnumerable<byte[]> pieces) => [.. pieces.SelectMany(SHA256.HashData)];

    private static Manifest Sample() => Manifest.Create(10, 4, Hashes(Pieces));

    [Fact]
    public void Canonical_bytes_are_length_piece_length_and_hashes_big_endian()
    {
        byte[] expected =
        [
            0, 0, 0, 0, 0, 0, 0, 10, // u64 length
            0, 0, 0, 4,              // u32 piece length
            .. SHA256.HashData("0123"u8),
            .. SHA256.HashData("4567"u8),
            .. SHA256.HashData("89"u8),
        ];
        Assert.Equal(expected, Sample().ToBytes());
        Assert.Equal(12 + 3 * 32, expected.Length);
    }

    [Fact]
    public void Canonical_bytes_golden_hex()
    {
        // SHA-256("0123"), SHA-256("4567"), SHA-256("89") spelled out, so a change of hash or order shows.
        const string expected =
            "000000000000000a" + "00000004" +
            "1be2e452b46d7a0d9656bbb1f768e8248eba1b75baed65f5d99eafa948899a6a" +
            "db2e7f1bd5ab9968ae76199b7cc74795ca7404d5a08d78567715ce532f9d2669" +
            "cd70bea023f752a0564abb6ed08d42c1440f2e33e29914e55e0be1595e24f45a";
        Assert.Equal(expected, Convert.ToHexStringLower(Sample().ToBytes()));
    }

    [Fact]
    public void Id_is_the_sha256_of_the_canonical_bytes()
    {
        var manifest = Sample();
        Assert.Equal("2394b47feecff3ad14fd9bf93868bfe0963d0f84e4c155c325008c61c352e81e", manifest.Id.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(manifest.ToBytes())), manifest.Id.ToString());
        Assert.Equal(manifest.Id, FileId.OfManifestBytes(manifest.ToBytes()));
    }

    [Fact]
    public void Same_content_gives_the_same_id_and_different_piece_length_a_different_one()
    {
        Assert.Equal(Sample().Id, Sample().Id);
        var other = Manifest.Create(10, 5, Hashes([Content[0..5], Content[5..10]]));
        Assert.NotEqual(Sample().Id, other.Id);
    }

    [Fact]
    public void Parse_of_canonical_bytes_gives_back_the_same_manifest()
    {
        var parsed = Manifest.Parse(Sample().ToBytes());
        Assert.Equal((10L, 4, 3, Sample().Id), (parsed.Length, parsed.PieceLength, parsed.PieceCount, parsed.Id));
        Assert.Equal(SHA256.HashData("4567"u8), parsed.PieceHash(1).ToArray());
    }

    [Fact]
    public void ParseVerified_accepts_bytes_that_hash_to_the_expected_id()
    {
        var manifest = Sample();
        Assert.Equal(manifest.Id, Manifest.ParseVerified(manifest.ToBytes(), manifest.Id).Id);
    }

    [Fact]
    public void ParseVerified_rejects_a_manifest_that_does_not_hash_to_the_expected_id()
    {
        byte[] bytes = Sample().ToBytes();
        var expected = Sample().Id;
        bytes[^1] ^= 1; // a different (but well-formed) manifest
        var e = Assert.Throws<ProtocolException>(() => Manifest.ParseVerified(bytes, expected));
        Assert.Contains(expected.ShortText, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10, 4, 2)]
    [InlineData(10, 4, 4)]
    [InlineData(0, 4, 1)]
    [InlineData(8, 4, 3)]
    public void Create_rejects_a_hash_count_that_disagrees_with_length_and_piece_length(long length, int pieceLength, int hashes)
    {
        var e = Assert.Throws<ProtocolException>(() => Manifest.Create(length, pieceLength, new byte[hashes * 32]));
        Assert.Contains($"lists {hashes} piece hashes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_rejects_impossible_parts()
    {
        Assert.Throws<ProtocolException>(() => Manifest.Create(-1, 4, []));
        Assert.Throws<ProtocolException>(() => Manifest.Create(1, 0, new byte[32]));
        Assert.Throws<ProtocolException>(() => Manifest.Create(1, 8 * 1024 * 1024 + 1, new byte[32]));
        Assert.Throws<ProtocolException>(() => Manifest.Create(1, 1, new byte[31]));
        Assert.Throws<ProtocolException>(() => Manifest.Create(262_145, 1, new byte[262_145 * 32]));
        Assert.Throws<ProtocolException>(() => Manifest.Create(long.MaxValue, 2, []));
    }

    [Fact]
    public void Parse_rejects_lengths_beyond_the_signed_range()
    {
        byte[] bytes = new byte[12];
        bytes.AsSpan(0, 8).Fill(0xFF);
        bytes[11] = 1;
        Assert.Throws<ProtocolException>(() => Manifest.Parse(bytes));
        Assert.Throws<ProtocolException>(() => Manifest.Parse(bytes.AsSpan(0, 11)));
    }

    [Fact]
    public void Verify_accepts_the_right_piece_and_rejects_a_flipped_byte()
    {
        var manifest = Sample();
        for (int i = 0; i < Pieces.Length; i++)
        {
            Assert.True(manifest.Verify(i, Pieces[i]), $"piece {i}");
            byte[] bad = [.. Pieces[i]];
            bad[^1] ^= 0x01;
            Assert.False(manifest.Verify(i, bad), $"flipped piece {i}");
        }
    }

    [Fact]
    public void Verify_rejects_a_piece_of_the_wrong_length_or_index()
    {
        var manifest = Sample();
        Assert.False(manifest.Verify(2, Content.AsSpan(8, 1)));
        Assert.False(manifest.Verify(2, [.. Content[8..10], 0]));
        Assert.False(manifest.Verify(1, Pieces[0]));
        Assert.False(manifest.Verify(3, Pieces[2]));
        Assert.False(manifest.Verify(-1, Pieces[0]));
    }

    [Fact]
    public void Last_piece_is_shorter_and_offsets_follow_piece_length()
    {
        var manifest = Sample();
        Assert.Equal([4, 4, 2], Enumerable.Range(0, 3).Select(manifest.PieceSize));
        Assert.Equal([0L, 4L, 8L], Enumerable.Range(0, 3).Select(manifest.PieceOffset));
        Assert.Equal(4, Manifest.PieceSize(8, 4, 1));
    }

    [Fact]
    public void Empty_file_has_zero_pieces_and_a_header_only_manifest()
    {
        var manifest = Manifest.Create(0, 4, []);
        Assert.Equal(0, manifest.PieceCount);
        Assert.Equal("000000000000000000000004", Convert.ToHexStringLower(manifest.ToBytes()));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(manifest.ToBytes())), manifest.Id.ToString());
    }

    [Theory]
    [InlineData(0L, 4, 0)]
    [InlineData(1L, 4, 1)]
    [InlineData(4L, 4, 1)]
    [InlineData(5L, 4, 2)]
    [InlineData(long.MaxValue, int.MaxValue, 4294967298)]
    public void CountPieces_rounds_up_without_overflow(long length, int pieceLength, long expected)
    {
        if (expected > int.MaxValue)
            Assert.Throws<ProtocolException>(() => Manifest.CountPieces(length, pieceLength));
        else
            Assert.Equal(expected, Manifest.CountPieces(length, pieceLength));
    }
}
