using P2PShare.Protocol.Messages;
using static P2PShare.Protocol.Tests.TestIds;

namespace P2PShare.Protocol.Tests.Messages;

/// <summary>
/// A Windows device name cannot be a file on a Windows peer, so no message carries one: the tracker
/// refuses an announce entry naming one (that entry alone), and a downloader refuses a list or holders
/// reply naming one, before any file is created.
/// </summary>
public sealed class DeviceNameTests
{
    [Theory]
    [InlineData("CON")]
    [InlineData("nul.txt")]
    [InlineData("Com1.log")]
    [InlineData("lpt9")]
    [InlineData("aux .c")]
    public void Announce_files_and_holders_naming_a_device_are_refused(string name)
    {
        string escaped = name; // none of these needs escaping
        var announce = Assert.IsType<Announce>(MessageCodec.Decode(
            $"type::announce;id::1;count::1;file.0.id::{AHex};file.0.name::{escaped};file.0.length::1;file.0.piece_length::1;"));
        Assert.Contains("Windows device name", Assert.Single(announce.Files).Refusal, StringComparison.Ordinal);
        string[] texts =
        [
            $"type::files;re::1;count::1;file.0.id::{AHex};file.0.name::{escaped};file.0.length::1;file.0.piece_length::1;file.0.complete::1;file.0.partial::0;",
            $"type::holders;re::1;file::{AHex};name::{escaped};length::1;piece_length::1;count::1;holder.0.host::127.0.0.1;holder.0.port::1;",
        ];
        foreach (var text in texts)
        {
            var e = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(text));
            Assert.Contains("Windows device name", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_name_that_only_resembles_a_device_is_carried()
    {
        var announce = Assert.IsType<Announce>(MessageCodec.Decode($"type::announce;id::1;count::1;file.0.id::{AHex};file.0.name::console.txt;file.0.length::1;file.0.piece_length::1;"));
        Assert.Equal("console.txt", Assert.Single(announce.Files).Name);
    }
}
