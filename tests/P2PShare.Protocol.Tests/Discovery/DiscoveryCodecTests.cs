using P2PShare.Protocol.Auth;
using System.Text;
using P2PShare.Protocol.Discovery;

namespace P2PShare.Protocol.Tests.Discovery;

/// <summary>Golden bytes for the discovery datagrams (PROTOCOL.md §11).</summary>
public sealed class DiscoveryCodecTests
{
    private const string Nonce = "000102030405060708090a0b0c0d0e0f";
    private static readonly SharedSecret Secret = new("open sesame");
    private const string RequestProof = "a31c3ec03cece7e352e5129e29f4157571ef3ef477ec10b6f57cd1e4887c358c";
    private const string ReplyProof = "dad13b683c084477c599f7cd44a1ba731210109691228b70877e77a7fa190522";

    // HMAC-SHA256("open sesame", "p2pshare-discover:" + the nonce in capitals): what a proof is NOT.
    private const string UpperRequestProof = "67e5b2a1d0ccae5e62d0d0dc554323e18ce094c52aeceb0fa8f0adeefb20da0c";

    private static string Text(byte[] datagram) => Encoding.UTF8.GetString(datagram);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Request_encodes_to_its_golden_text() =>
        Assert.Equal("type::discover;version::1;nonce::" + Nonce + ";", Text(DiscoveryCodec.Encode(new DiscoveryRequest(Nonce))));

    [Fact]
    public void Request_decodes_from_its_golden_text() =>
        Assert.Equal(new DiscoveryRequest(Nonce), DiscoveryCodec.DecodeRequest(Bytes("type::discover;version::1;nonce::" + Nonce + ";")));

    [Fact]
    public void Request_with_a_proof_round_trips()
    {
        var request = new DiscoveryRequest(Nonce, RequestProof);
        Assert.Equal($"type::discover;version::1;nonce::{Nonce};proof::{RequestProof};", Text(DiscoveryCodec.Encode(request)));
        Assert.Equal(request, DiscoveryCodec.DecodeRequest(DiscoveryCodec.Encode(request)));
    }

    [Fact]
    public void Reply_encodes_to_its_golden_text() =>
        Assert.Equal("type::tracker;version::1;nonce::" + Nonce + ";port::12500;", Text(DiscoveryCodec.Encode(new DiscoveryReply(Nonce, 12500))));

    [Fact]
    public void Reply_decodes_from_its_golden_text_ignoring_unknown_keys() =>
        Assert.Equal(new DiscoveryReply(Nonce, 12500, ReplyProof),
            DiscoveryCodec.DecodeReply(Bytes($"type::tracker;version::1;nonce::{Nonce};port::12500;proof::{ReplyProof};later::x;")));

    [Fact]
    public void Proofs_are_hmac_sha256_of_the_documented_text()
    {
        Assert.Equal(RequestProof, DiscoveryProof.ForRequest(Secret, Nonce));
        Assert.Equal(ReplyProof, DiscoveryProof.ForReply(Secret, Nonce, 12500));
        Assert.True(DiscoveryProof.Matches(ReplyProof.ToUpperInvariant(), ReplyProof));
        Assert.False(DiscoveryProof.Matches(DiscoveryProof.ForReply(new SharedSecret("another secret"), Nonce, 12500), ReplyProof));
        Assert.False(DiscoveryProof.Matches(DiscoveryProof.ForReply(Secret, Nonce, 12501), ReplyProof));
        Assert.False(DiscoveryProof.Matches(null, ReplyProof));
    }

    [Fact]
    public void A_nonce_sent_in_uppercase_is_proved_over_its_lowercase_digits()
    {
        // PROTOCOL.md §11's worked example: the same nonce in capitals carries the same proofs.
        string upper = Nonce.ToUpperInvariant();
        var request = DiscoveryCodec.DecodeRequest(Bytes($"type::discover;version::1;nonce::{upper};proof::{RequestProof};"));
        Assert.Equal(Nonce, request.Nonce);
        Assert.True(DiscoveryProof.Matches(request.Proof, DiscoveryProof.ForRequest(Secret, request.Nonce)));
        Assert.Equal(RequestProof, DiscoveryProof.ForRequest(Secret, upper));
        Assert.Equal(ReplyProof, DiscoveryProof.ForReply(Secret, upper, 12500));
        var reply = DiscoveryCodec.DecodeReply(Bytes($"type::tracker;version::1;nonce::{upper};port::12500;proof::{ReplyProof};"));
        Assert.True(DiscoveryProof.Matches(reply.Proof, DiscoveryProof.ForReply(Secret, reply.Nonce, 12500)));

        // Not a MAC over the capitals as sent: that would be another value.
        Assert.Equal(UpperRequestProof, Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("open sesame"), Encoding.UTF8.GetBytes("p2pshare-discover:" + upper))));
        Assert.NotEqual(RequestProof, UpperRequestProof);
    }

    [Fact]
    public void New_nonces_are_32_hex_digits_and_differ()
    {
        Assert.Matches("^[0-9a-f]{32}$", DiscoveryCodec.NewNonce());
        Assert.NotEqual(DiscoveryCodec.NewNonce(), DiscoveryCodec.NewNonce());
    }

    [Theory]
    [InlineData("type::tracker;version::1;nonce::" + Nonce + ";port::1;", "expected a 'discover'")]
    [InlineData("type::discover;version::2;nonce::" + Nonce + ";", "version 2")]
    [InlineData("type::discover;nonce::" + Nonce + ";", "'version'")]
    [InlineData("type::discover;version::1;nonce::0001;", "32 hex digits")]
    [InlineData("type::discover;version::1;nonce::" + Nonce + ";proof::zz;", "64 hex digits")]
    [InlineData("type::discover;version::1;nonce", "ends inside a key")]
    public void Malformed_requests_are_refused_naming_the_fault(string text, string expected)
    {
        var e = Assert.Throws<ProtocolException>(() => DiscoveryCodec.DecodeRequest(Bytes(text)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("port::0;")]
    [InlineData("port::65536;")]
    [InlineData("")]
    public void Replies_without_a_valid_port_are_refused(string port) =>
        Assert.Throws<ProtocolException>(() => DiscoveryCodec.DecodeReply(Bytes($"type::tracker;version::1;nonce::{Nonce};{port}")));

    [Fact]
    public void Oversized_datagrams_are_refused_before_parsing()
    {
        var e = Assert.Throws<ProtocolException>(() => DiscoveryCodec.DecodeRequest(new byte[DiscoveryCodec.MaxDatagramLength + 1]));
        Assert.Contains("exceeds the limit of 512", e.Message, StringComparison.Ordinal);
    }
}
