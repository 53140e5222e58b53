using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>Golden bytes for the authenticated handshake: hello with a nonce, challenge, proof, welcome with a proof.</summary>
public sealed class AuthMessageTests
{
    private const string N1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const string N2 = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";
    private const string P1 = "03139fc1c04b8c22c5499c3cfbcce892600575fd65c4a18e26a7aa1b267a217b";
    private const string P2 = "dec74992575c244f7b2a4e11eb9949b2b74fe8552ebc119f5473106d935cd4ef";

    private const string HelloText = "type::hello;id::1;version::1;role::peer;port::6881;agent::P2PShare.Peer/1;auth::hmac-sha256;nonce::" + N1 + ";";
    private static readonly Hello HelloMessage = new(1, PeerRole.Peer, 6881, "P2PShare.Peer/1") { RequestId = 1, AuthScheme = "hmac-sha256", Nonce = N1 };

    [Fact]
    public void Hello_with_auth_encodes_to_its_golden_text() => Assert.Equal(HelloText, MessageCodec.Encode(HelloMessage));

    [Fact]
    public void Hello_with_auth_decodes_from_its_golden_text() => Assert.Equal(HelloMessage, MessageCodec.Decode(HelloText));

    [Fact]
    public void Hello_with_auth_round_trips() => Assert.Equal(HelloMessage, RoundTrip.Of(HelloMessage));

    private const string ChallengeText = "type::challenge;re::1;nonce::" + N2 + ";";
    private static readonly Challenge ChallengeMessage = new(N2) { ReplyTo = 1 };

    [Fact]
    public void Challenge_encodes_to_its_golden_text() => Assert.Equal(ChallengeText, MessageCodec.Encode(ChallengeMessage));

    [Fact]
    public void Challenge_decodes_from_its_golden_text() => Assert.Equal(ChallengeMessage, MessageCodec.Decode(ChallengeText));

    [Fact]
    public void Challenge_round_trips() => Assert.Equal(ChallengeMessage, RoundTrip.Of(ChallengeMessage));

    private const string ProofText = "type::proof;id::2;proof::" + P1 + ";";
    private static readonly AuthProof ProofMessage = new(P1) { RequestId = 2 };

    [Fact]
    public void Proof_encodes_to_its_golden_text() => Assert.Equal(ProofText, MessageCodec.Encode(ProofMessage));

    [Fact]
    public void Proof_decodes_from_its_golden_text() => Assert.Equal(ProofMessage, MessageCodec.Decode(ProofText));

    [Fact]
    public void Proof_round_trips() => Assert.Equal(ProofMessage, RoundTrip.Of(ProofMessage));

    private const string WelcomeText = "type::welcome;re::2;version::1;address::127.0.0.1;proof::" + P2 + ";";
    private static readonly Welcome WelcomeMessage = new(1, "127.0.0.1") { ReplyTo = 2, Proof = P2 };

    [Fact]
    public void Welcome_with_proof_encodes_to_its_golden_text() => Assert.Equal(WelcomeText, MessageCodec.Encode(WelcomeMessage));

    [Fact]
    public void Welcome_with_proof_decodes_from_its_golden_text() => Assert.Equal(WelcomeMessage, MessageCodec.Decode(WelcomeText));

    [Fact]
    public void Welcome_with_proof_round_trips() => Assert.Equal(WelcomeMessage, RoundTrip.Of(WelcomeMessage));

    [Fact]
    public void Upper_case_hex_is_read_as_lower_case() =>
        Assert.Equal(ChallengeMessage, MessageCodec.Decode("type::challenge;re::1;nonce::" + N2.ToUpperInvariant() + ";"));

    [Theory]
    [InlineData("type::challenge;re::1;nonce::00;")]
    [InlineData("type::challenge;re::1;")]
    [InlineData("type::proof;id::2;proof::" + N1 + "00;")]
    [InlineData("type::proof;id::2;proof::zz02030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f;")]
    [InlineData("type::hello;id::1;version::1;role::peer;port::1;auth::hmac-sha256;nonce::abc;")]
    [InlineData("type::welcome;re::2;version::1;proof::;")]
    public void A_malformed_nonce_or_proof_is_a_protocol_error(string text) =>
        Assert.Throws<ProtocolException>(() => MessageCodec.Decode(text));
}
