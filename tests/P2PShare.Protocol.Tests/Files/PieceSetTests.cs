using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Tests.Files;

/// <summary>Bitfields: piece 0 is the top bit of byte 0; spare bits are zero.</summary>
public sealed class PieceSetTests
{
    [Fact]
    public void Piece_zero_is_the_top_bit_of_byte_zero()
    {
        var set = new PieceSet(16);
        set.Add(0);
        Assert.Equal([0x80, 0x00], set.ToBytes());
        set.Add(7);
        set.Add(8);
        set.Add(15);
        Assert.Equal([0x81, 0x81], set.ToBytes());
    }

    [Fact]
    public void FromBytes_reads_msb_first()
    {
        var set = PieceSet.FromBytes(10, [0b1010_0000, 0b0100_0000]);
        Assert.Equal([0, 2, 9], set.Indices());
        Assert.Equal(3, set.Present);
        Assert.False(set.IsComplete);
    }

    [Fact]
    public void Spare_bits_are_zero_when_full()
    {
        Assert.Equal([0xFF, 0xC0], PieceSet.Full(10).ToBytes());
        Assert.True(PieceSet.Full(10).IsComplete);
    }

    [Fact]
    public void FromBytes_rejects_the_wrong_size_and_spare_bits()
    {
        Assert.Throws<ProtocolException>(() => PieceSet.FromBytes(10, [0xFF]));
        Assert.Throws<ProtocolException>(() => PieceSet.FromBytes(10, [0xFF, 0xC0, 0x00]));
        Assert.Throws<ProtocolException>(() => PieceSet.FromBytes(10, [0xFF, 0xE0]));
        Assert.Throws<ProtocolException>(() => PieceSet.FromBytes(1, [0x40]));
        Assert.Throws<ProtocolException>(() => PieceSet.FromBytes(0, [0x00]));
    }

    [Fact]
    public void Add_and_Remove_keep_the_count_and_report_changes()
    {
        var set = new PieceSet(3);
        Assert.True(set.Add(1));
        Assert.False(set.Add(1));
        Assert.Equal(1, set.Present);
        Assert.True(set.Remove(1));
        Assert.False(set.Remove(1));
        Assert.Equal(0, set.Present);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Contains(3));
    }

    [Fact]
    public void Empty_file_is_always_complete()
    {
        Assert.True(new PieceSet(0).IsComplete);
        Assert.Empty(new PieceSet(0).ToBytes());
        Assert.True(PieceSet.FromBytes(0, []).IsComplete);
    }

    [Fact]
    public void Clone_is_independent()
    {
        var set = PieceSet.FromBytes(9, [0x80, 0x80]);
        var copy = set.Clone();
        copy.Add(1);
        Assert.Equal([0, 8], set.Indices());
        Assert.Equal([0, 1, 8], copy.Indices());
        Assert.Equal(2, set.Present);
    }

    [Fact]
    public void Union_adds_the_other_sets_pieces_and_counts_the_new_ones()
    {
        var set = PieceSet.FromBytes(10, [0xC0, 0x00]);   // 0, 1
        var other = PieceSet.FromBytes(10, [0x40, 0x40]); // 1, 9

        Assert.Equal(1, set.UnionWith(other));
        Assert.Equal([0, 1, 9], set.Indices());
        Assert.Equal(3, set.Present);
        Assert.Equal(0, set.UnionWith(other));
        Assert.Equal([1, 9], other.Indices());
    }

    [Fact]
    public void Union_with_a_set_of_another_size_is_refused() =>
        Assert.Throws<ArgumentException>(() => new PieceSet(10).UnionWith(new PieceSet(9)));
}
