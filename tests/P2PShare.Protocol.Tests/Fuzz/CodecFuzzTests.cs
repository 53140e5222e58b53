using FsCheck;
using FsCheck.Xunit;
using P2PShare.Protocol.Framing;
using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Tests.Fuzz;

/// <summary>Random and mutated frames against the codec: it answers a message, a clean end, or a <see cref="ProtocolException"/>, never anything else.</summary>
[Properties(Arbitrary = [typeof(HostileInput)], MaxTest = 2000, Replay = "(20261125,1)")]
public sealed class CodecFuzzTests
{
    [Property]
    public async Task<bool> Reading_hostile_bytes_from_a_stream_throws_nothing_but_protocol_or_end_of_stream_errors(HostileInput input)
    {
        using var stream = new MemoryStream(input.Bytes());
        using var reader = new FrameStreamReader(stream, ProtocolLimits.Default);
        try
        {
            while (await reader.ReadAsync(CancellationToken.None) is { } frame)
            {
                using (frame)
                    _ = MessageCodec.Decode(frame.Header);
            }
        }
        catch (Exception e) when (e is ProtocolException or EndOfStreamException)
        {
            // A malformed frame, or a stream that ended inside one.
        }
        return true;
    }

    [Fact]
    public void Every_corpus_header_is_valid_before_mutation()
    {
        foreach (var header in HostileInput.Corpus)
            Assert.NotNull(MessageCodec.Decode(header));
    }
}
