using P2PShare.Protocol.Auth;

namespace P2PShare.Protocol.Tests.Auth;

/// <summary>The proof construction of PROTOCOL.md §6.1, checked against bytes computed independently (Python's hmac).</summary>
public sealed class SharedSecretTests
{
    private static readonly byte[] ClientNonce = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private static readonly byte[] ServerNonce = [.. Enumerable.Range(32, 32).Select(i => (byte)i)];
    private static readonly SharedSecret Secret = new("correct horse battery staple");
    private static readonly ChannelBinding Binding = new([.. Enumerable.Range(64, 32).Select(i => (byte)i)], [.. Enumerable.Range(96, 32).Select(i => (byte)i)]);
    private static readonly ChannelBinding Relayed = new(Binding.ClientCertificateHash, Binding.ClientCertificateHash);

    [Fact]
    public void Mac_input_is_label_direction_role_version_both_nonces_and_both_certificate_hashes() =>
        Assert.Equal(
            "70327073686172652d6175746800636c69656e7400706565720000000001" +
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
            "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f" +
            "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f" +
            "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f",
            Convert.ToHexStringLower(SharedSecret.MacInput(AuthDirection.Client, "peer", 1, ClientNonce, ServerNonce, Binding)));

    [Fact]
    public void Client_proof_matches_the_golden_hmac() =>
        Assert.Equal("3bd9f53c487c8ba960890254a70b92d40ca6845e11e05aafae12a1453b9c091f",
            Convert.ToHexStringLower(Secret.Prove(AuthDirection.Client, "peer", 1, ClientNonce, ServerNonce, Binding)));

    [Fact]
    public void Server_proof_matches_the_golden_hmac_and_differs_from_the_clients() =>
        Assert.Equal("c63b2f0415b76711595b0082525dc53b4ae15135e72877e20ca6d371b580de4f",
            Convert.ToHexStringLower(Secret.Prove(AuthDirection.Server, "peer", 1, ClientNonce, ServerNonce, Binding)));

    [Fact]
    public void A_proof_verifies_only_for_its_own_direction_role_version_nonces_certificates_and_secret()
    {
        var proof = Secret.Prove(AuthDirection.Client, "peer", 1, ClientNonce, ServerNonce, Binding);

        Assert.True(Secret.Verify(proof, AuthDirection.Client, "peer", 1, ClientNonce, ServerNonce, Binding));
        Assert.False(Secret.Verify(proof, AuthDirection.Server, "peer", 1, ClientNonce, ServerNonce, Binding));
        Assert.False(Secret.Verify(proof, AuthDirection.Client, "fetcher", 1, ClientNonce, ServerNonce, Binding));
        Assert.False(Secret.Verify(proof, AuthDirection.Client, "peer", 2, ClientNonce, ServerNonce, Binding));
        Assert.False(Secret.Verify(proof, AuthDirection.Client, "peer", 1, ServerNonce, ClientNonce, Binding));
        Assert.False(new SharedSecret("correct horse battery stapler").Verify(proof, AuthDirection.Client, "peer", 1, ClientNonce, ServerNonce, Binding));
        Assert.False(Secret.Verify(proof, AuthDirection.Client, "peer", 1, ClientNonce, ServerNonce, Relayed));
        Assert.False(Secret.Verify(proof.AsSpan(0, 31), AuthDirection.Client, "peer", 1, ClientNonce, ServerNonce, Binding));
    }

    [Fact]
    public void Nonces_are_fresh_each_time() => Assert.NotEqual(SharedSecret.NewNonce(), SharedSecret.NewNonce());

    [Fact]
    public void The_secret_never_shows_in_text() => Assert.DoesNotContain("horse", Secret.ToString(), StringComparison.Ordinal);

    [Fact]
    public void A_secret_shorter_than_eight_bytes_is_refused() =>
        Assert.Throws<ArgumentException>(() => new SharedSecret("1234567"));
}
