using System.Security.Cryptography;
using System.Text;
using P2PShare.Protocol.Auth;

namespace P2PShare.Protocol.Discovery;

/// <summary>
/// HMAC-SHA256 proofs that the sender of a discovery datagram knows the network secret, without
/// sending the secret. Each proof covers the request's fresh nonce, so one cannot be reused for
/// another request.
/// </summary>
public static class DiscoveryProof
{
    /// <summary>
    /// The request's proof: HMAC-SHA256(secret, "p2pshare-discover:" + nonce) in lowercase hex, the nonce
    /// always in lowercase (PROTOCOL.md §11): a nonce sent as "0A0B…" is proved as "0a0b…", as receivers read it.
    /// </summary>
    public static string ForRequest(SharedSecret secret, string nonce) => Compute(secret, $"p2pshare-discover:{Lower(nonce)}");

    /// <summary>The reply's proof: HMAC-SHA256(secret, "p2pshare-tracker:" + nonce + ":" + port) in lowercase hex, the nonce in lowercase.</summary>
    public static string ForReply(SharedSecret secret, string nonce, int port) =>
        Compute(secret, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"p2pshare-tracker:{Lower(nonce)}:{port}"));

    private static string Lower(string nonce)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        return nonce.ToLowerInvariant();
    }

    /// <summary>True when <paramref name="proof"/> equals <paramref name="expected"/> (compared in constant time).</summary>
    public static bool Matches(string? proof, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (proof is null || proof.Length != expected.Length)
            return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(proof.ToLowerInvariant()), Encoding.ASCII.GetBytes(expected));
    }

    private static string Compute(SharedSecret secret, string text)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(secret.ProveText(text));
    }
}
