using System.Globalization;
using System.Security.Cryptography;
using P2PShare.Protocol.Codec;

namespace P2PShare.Protocol.Discovery;

/// <summary>
/// The discovery datagrams (PROTOCOL.md §11): one UDP datagram holds one UTF-8 header in the
/// <c>key::value;</c> format, with no frame prefix (a datagram has its own length).
/// </summary>
public static class DiscoveryCodec
{
    /// <summary>The UDP port trackers answer discovery on unless told otherwise.</summary>
    public const int DefaultPort = 12501;

    /// <summary>Largest datagram sent or accepted; both messages need under 200 bytes.</summary>
    public const int MaxDatagramLength = 512;

    /// <summary>The discovery version; a receiver ignores datagrams of another.</summary>
    public const int Version = 1;

    private const string RequestType = "discover";
    private const string ReplyType = "tracker";
    private const int NonceHexDigits = 32;
    private const int ProofHexDigits = 64;

    /// <summary>A fresh random nonce: 16 bytes as 32 lowercase hex digits.</summary>
    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(NonceHexDigits / 2));

    /// <summary>The datagram for <paramref name="request"/>.</summary>
    public static byte[] Encode(DiscoveryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var writer = new HeaderWriter(RequestType).Add("version", Version).Add("nonce", request.Nonce);
        if (request.Proof is not null)
            writer.Add("proof", request.Proof);
        return writer.ToUtf8();
    }

    /// <summary>The datagram for <paramref name="reply"/>.</summary>
    public static byte[] Encode(DiscoveryReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var writer = new HeaderWriter(ReplyType).Add("version", Version).Add("nonce", reply.Nonce).Add("port", reply.Port);
        if (reply.Proof is not null)
            writer.Add("proof", reply.Proof);
        return writer.ToUtf8();
    }

    /// <summary>
    /// Reads a request. Throws <see cref="ProtocolException"/> for anything else: too long, not a
    /// header, another type or version, a malformed nonce or proof.
    /// </summary>
    public static DiscoveryRequest DecodeRequest(ReadOnlySpan<byte> datagram)
    {
        var header = Parse(datagram, RequestType);
        return new DiscoveryRequest(Hex(header, "nonce", NonceHexDigits)!, Hex(header, "proof", ProofHexDigits, optional: true));
    }

    /// <summary>Reads a reply; throws <see cref="ProtocolException"/> as <see cref="DecodeRequest"/> does.</summary>
    public static DiscoveryReply DecodeReply(ReadOnlySpan<byte> datagram)
    {
        var header = Parse(datagram, ReplyType);
        return new DiscoveryReply(Hex(header, "nonce", NonceHexDigits)!, header.RequiredInt32("port", 1, 65535), Hex(header, "proof", ProofHexDigits, optional: true));
    }

    private static Header Parse(ReadOnlySpan<byte> datagram, string type)
    {
        if (datagram.Length > MaxDatagramLength)
            throw new ProtocolException(string.Create(CultureInfo.InvariantCulture, $"discovery datagram of {datagram.Length} bytes exceeds the limit of {MaxDatagramLength}"));
        var header = Header.Parse(datagram);
        if (header.Type != type)
            throw new ProtocolException($"expected a '{type}' discovery datagram, got '{header.Type}'");
        long version = header.RequiredInt64("version", 1);
        if (version != Version)
            throw new ProtocolException(string.Create(CultureInfo.InvariantCulture, $"discovery version {version} is not {Version}"));
        return header;
    }

    private static string? Hex(Header header, string key, int digits, bool optional = false)
    {
        string? text = optional ? header.Optional(key) : header.Required(key);
        if (text is null)
            return null;
        if (text.Length != digits || !text.All(Uri.IsHexDigit))
            throw new ProtocolException(string.Create(CultureInfo.InvariantCulture, $"discovery '{header.Type}' key '{key}' must be {digits} hex digits"));
        return text.ToLowerInvariant();
    }
}
