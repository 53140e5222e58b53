using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace P2PShare.Protocol.Security;

/// <summary>
/// This program's TLS certificate: a self-signed ECDSA P-256 certificate made fresh for each run and
/// never written anywhere. The shared secret, not the certificate, is a side's identity, so a
/// certificate that lives one run leaves no key file to protect and nothing to rotate.
/// </summary>
public static class TlsIdentity
{
    private static readonly Lazy<X509Certificate2> Current = new(Create);

    /// <summary>The certificate every connection of this process presents, made on first use.</summary>
    public static X509Certificate2 ForThisProcess => Current.Value;

    /// <summary>A new key and self-signed certificate (also for tests that play a relay).</summary>
    public static X509Certificate2 Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=p2pshare", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var made = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        // Re-imported from PKCS#12 so the private key is one every platform's TLS can use
        // (an ephemeral key from CreateSelfSigned is refused by some, Windows' SChannel first).
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }
}
