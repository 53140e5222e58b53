using P2PShare.Peer.Storage;

namespace P2PShare.Peer.Tests.Storage;

public sealed class DecompositionTests
{
    [Theory]
    [InlineData("caf\u00e9.txt", "cafe\u0301.txt")]      // é
    [InlineData("\u1ea4", "A\u0302\u0301")]                // Ấ: two marks
    [InlineData("\ud55c", "\u1112\u1161\u11ab")]           // 한: Hangul by arithmetic
    [InlineData("plain.txt", "plain.txt")]
    public void Precomposed_characters_decompose_canonically(string text, string expected) =>
        Assert.Equal(expected, Decomposition.Of(text));

    [Fact]
    public void Decomposed_text_stays_as_it_is() => Assert.Equal("cafe\u0301", Decomposition.Of("cafe\u0301"));
}
