using System.Text.RegularExpressions;
using P2PShare.Protocol.Auth;

namespace P2PShare.Protocol.Tests.Auth;

/// <summary>PROTOCOL.md §6.1's worked example, read from the document itself, is what the code computes.</summary>
public sealed partial class ProtocolDocumentTests
{
    private static readonly SharedSecret Secret = new("correct horse battery staple");
    private static readonly byte[] ClientNonce = Bytes(0x00);
    private static readonly byte[] ServerNonce = Bytes(0x20);
    private static readonly ChannelBinding Binding = new(Bytes(0x40), Bytes(0x60));

    [Fact]
    public void The_documented_mac_input_is_the_codes()
    {
        string section = Document();
        int start = section.IndexOf("M(client), 158 bytes, in hex:", StringComparison.Ordinal);
        Assert.True(start >= 0, "the worked example is in PROTOCOL.md");
        string hex = string.Concat(HexLine().Matches(section[start..]).Take(5).Select(m => m.Value.Trim()));

        Assert.Equal(Convert.ToHexStringLower(SharedSecret.MacInput(AuthDirection.Client, "peer", 1, ClientNonce, ServerNonce, Binding)), hex);
    }

    [Theory]
    [InlineData("MAC(client)", AuthDirection.Client)]
    [InlineData("MAC(server)", AuthDirection.Server)]
    public void The_documented_proofs_are_the_codes(string name, AuthDirection direction)
    {
        var match = Regex.Match(Document(), Regex.Escape(name) + " = ([0-9a-f]{64})");

        Assert.True(match.Success, $"{name} is in PROTOCOL.md");
        Assert.Equal(Convert.ToHexStringLower(Secret.Prove(direction, "peer", 1, ClientNonce, ServerNonce, Binding)), match.Groups[1].Value);
    }

    private static byte[] Bytes(int from) => [.. Enumerable.Range(from, 32).Select(i => (byte)i)];

    // The document lives in the source tree; the tests run from bin/, a few folders below the repository root.
    private static string Document()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string path = Path.Combine(folder.FullName, "src", "P2PShare.Protocol", "PROTOCOL.md");
            if (File.Exists(path))
                return File.ReadAllText(path);
        }
        throw new FileNotFoundException("PROTOCOL.md not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"(?m)^[0-9a-f]{60,64}$")]
    private static partial Regex HexLine();
}
