using P2PShare.Protocol.Auth;
using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Messages;

/// <summary>Nonces and proofs on the wire: exactly 64 hex digits (32 bytes), written lowercase, read in either case.</summary>
internal static class AuthToken
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static string? Optional(Header h, string key) => h.Optional(key) is { } text ? Check(h, key, text) : null;

    public static string Required(Header h, string key) => Check(h, key, h.Required(key));

    private static string Check(Header h, string key, string text)
    {
        if (text.Length != 2 * SharedSecret.TokenLength || !text.All(char.IsAsciiHexDigit))
            throw new ProtocolException($"message '{h.Type}' key '{key}' must be {2 * SharedSecret.TokenLength} hex digits");
        return text.ToLowerInvariant();
    }
}
