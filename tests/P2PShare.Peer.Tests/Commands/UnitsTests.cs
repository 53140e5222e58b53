namespace P2PShare.Peer.Tests.Commands;

public sealed class UnitsTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(50L * 1024 * 1024, "50.0 MiB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.0 GiB")]
    public void Sizes_read_as_people_write_them(long bytes, string expected) => Assert.Equal(expected, Units.Bytes(bytes));

    [Fact]
    public void Rates_are_decimal_megabytes_per_second() => Assert.Equal("12.5 MB/s", Units.Rate(12_500_000));

    [Theory]
    [InlineData(840, "840 B/s")]
    [InlineData(12_345, "12.3 kB/s")]
    [InlineData(999_999, "1000.0 kB/s")]
    public void A_small_rate_is_shown_in_a_unit_that_does_not_round_it_to_zero(double bytesPerSecond, string expected) =>
        Assert.Equal(expected, Units.Rate(bytesPerSecond));
}
