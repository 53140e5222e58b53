using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace P2PShare.Protocol.Auth;

/// <summary>
/// The network's shared secret and the one thing done with it: HMAC-SHA256 proofs over both sides'
/// fresh nonces and the TLS session's certificates (PROTOCOL.md §6.1). The key never leaves this object and <see cref="ToString"/> hides it,
/// so options records that carry it can be logged.
/// </summary>
public sealed class SharedSecret
{
    /// <summary>The scheme named in <c>hello</c>'s <c>auth</c> key.</summary>
    public const string Scheme = "hmac-sha256";

    /// <summary>Bytes in a nonce and in a proof (256 bits each).</summary>
    public const int TokenLength = 32;

    /// <summary>Shortest secret accepted, in UTF-8 bytes; anything shorter falls to guessing at once.</summary>
    public const int MinLength = 8;

    /// <summary>The label that opens every MAC input, so a proof can never be mistaken for another HMAC of the same key.</summary>
    public const string Label = "p2pshare-auth";

    private readonly byte[] _key;

    /// <summary>Takes the secret's text (its UTF-8 bytes are the HMAC key). Throws <see cref="ArgumentException"/> when shorter than <see cref="MinLength"/>.</summary>
    public SharedSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = Encoding.UTF8.GetBytes(secret);
        if (_key.Length < MinLength)
            throw new ArgumentException($"the secret is {_key.Length} bytes; it must be at least {MinLength} (32 random characters are better)", nameof(secret));
    }

    /// <summary>A fresh random nonce from the OS's cryptographic generator.</summary>
    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(TokenLength);

    /// <summary>
    /// The bytes a proof is the HMAC of:
    /// <c>"p2pshare-auth" 0x00 DIRECTION 0x00 ROLE 0x00 VERSION(u32 BE) CLIENT_NONCE(32) SERVER_NONCE(32)
    /// CLIENT_CERT_SHA256(32) SERVER_CERT_SHA256(32)</c>, DIRECTION being <c>client</c> or <c>server</c>
    /// (who proves), ROLE the hello's role and the hashes the TLS session's (<see cref="ChannelBinding"/>).
    /// </summary>
    public static byte[] MacInput(AuthDirection direction, string role, int version, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce, ChannelBinding binding)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(binding);
        if (clientNonce.Length != TokenLength || serverNonce.Length != TokenLength)
            throw new ArgumentException($"nonces must be {TokenLength} bytes");
        string who = direction == AuthDirection.Client ? "client" : "server";
        var text = Encoding.UTF8.GetBytes($"{Label}\0{who}\0{role}\0");
        var input = new byte[text.Length + 4 + 2 * TokenLength + binding.Bytes.Length];
        text.CopyTo(input, 0);
        BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(text.Length), version);
        clientNonce.CopyTo(input.AsSpan(text.Length + 4));
        serverNonce.CopyTo(input.AsSpan(text.Length + 4 + TokenLength));
        binding.Bytes.CopyTo(input.AsSpan(text.Length + 4 + 2 * TokenLength));
        return input;
    }

    /// <summary>HMAC-SHA256 of <see cref="MacInput"/> under the secret.</summary>
    public byte[] Prove(AuthDirection direction, string role, int version, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce, ChannelBinding binding) =>
        HMACSHA256.HashData(_key, MacInput(direction, role, version, clientNonce, serverNonce, binding));

    /// <summary>True when <paramref name="proof"/> is the right proof; compared in constant time.</summary>
    public bool Verify(ReadOnlySpan<byte> proof, AuthDirection direction, string role, int version, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce, ChannelBinding binding) =>
        CryptographicOperations.FixedTimeEquals(proof, Prove(direction, role, version, clientNonce, serverNonce, binding));

    /// <summary>
    /// HMAC-SHA256 of <paramref name="labelledText"/> under the secret, for the other proof the
    /// network makes (UDP discovery, PROTOCOL.md §11). Its texts start with their own labels
    /// (<c>p2pshare-discover:</c>, <c>p2pshare-tracker:</c>), so they never collide with a handshake MAC input.
    /// </summary>
    public byte[] ProveText(string labelledText)
    {
        ArgumentNullException.ThrowIfNull(labelledText);
        return HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(labelledText));
    }

    /// <summary>Never the secret itself.</summary>
    public override string ToString() => "SharedSecret(hidden)";
}
