using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Tests;

/// <summary>Fixed file ids whose hex text the golden tests spell out literally.</summary>
internal static class TestIds
{
    /// <summary>Bytes 0x00..0x1f.</summary>
    public const string AHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    /// <summary>Bytes 0xa0..0xbf.</summary>
    public const string BHex = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

    public static FileId A { get; } = FileId.Parse(AHex);

    public static FileId B { get; } = FileId.Parse(BHex);
}
