using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace P2PShare.Protocol.Auth;

/// <summary>
/// What ties a secret proof to one TLS session: the SHA-256 of the certificate each end presented
/// (PROTOCOL.md §6.1). A relay that terminates TLS on both sides shows each end its own certificate,
/// so the two ends bind different values and neither's proof passes on the other.
/// </summary>
public sealed class ChannelBinding
{
    /// <summary>Bytes in each certificate hash.</summary>
    public const int HashLength = 32;

    private readonly byte[] _bytes; // client hash, then server hash: the order they enter the MAC input

    /// <summary>Takes the two SHA-256 hashes of the DER certificates, the connecting side's first.</summary>
    public ChannelBinding(ReadOnlySpan<byte> clientCertificateHash, ReadOnlySpan<byte> serverCertificateHash)
    {
        if (clientCertificateHash.Length != HashLength || serverCertificateHash.Length != HashLength)
            throw new ArgumentException($"certificate hashes must be {HashLength} bytes");
        _bytes = [.. clientCertificateHash, .. serverCertificateHash];
    }

    /// <summary>The binding of a session in which <paramref name="client"/> and <paramref name="server"/> were presented.</summary>
    public static ChannelBinding FromCertificates(X509Certificate client, X509Certificate server)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);
        return new(SHA256.HashData(client.GetRawCertData()), SHA256.HashData(server.GetRawCertData()));
    }

    /// <summary>SHA-256 of the connecting side's certificate.</summary>
    public ReadOnlySpan<byte> ClientCertificateHash => _bytes.AsSpan(0, HashLength);

    /// <summary>SHA-256 of the accepting side's certificate.</summary>
    public ReadOnlySpan<byte> ServerCertificateHash => _bytes.AsSpan(HashLength);

    /// <summary>Both hashes, client's first: the last 64 bytes of the MAC input.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;
}
