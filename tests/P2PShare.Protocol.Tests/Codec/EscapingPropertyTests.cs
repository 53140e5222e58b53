using System.Text;
using P2PShare.Protocol.Codec;
using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Tests.Codec;

/// <summary>
/// Seeded random strings (any Unicode scalar, surrogate pairs, the escape-worthy characters and
/// control characters) survive HeaderWriter → UTF-8 → Header.Parse exactly.
/// </summary>
public sealed class EscapingPropertyTests
{
    private const int Seed = 20260517;
    private const int Iterations = 3000;

    private static readonly string[] Tricky = [";", ":", "::", ":::", "\\", "\\\\", "\\n", "\n", "\r", "\r\n", "\0", "\t", "\u007f", "\u0085", "\u2028", "\uFEFF", "\uFFFD", "type::", "id::1;", " ", ".", "é", "文", "🎉", "\U0010FFFF"];

#pragma warning disable CA5394 // deterministic test data, not security
    private static string RandomText(Random random, int maxLength)
    {
        var text = new StringBuilder();
        int parts = random.Next(maxLength + 1);
        for (int p = 0; p < parts; p++)
        {
            switch (random.Next(6))
            {
                case 0:
                case 1:
                    text.Append(Tricky[random.Next(Tricky.Length)]);
                    break;
                case 2:
                    text.Append((char)random.Next(0x20, 0x7f)); // printable ASCII
                    break;
                case 3:
                    text.Append((char)random.Next(0x00, 0x20)); // C0 controls
                    break;
                default:
                    text.Append(char.ConvertFromUtf32(RandomScalar(random)));
                    break;
            }
        }
        return text.ToString();
    }

    // Any Unicode scalar value: BMP outside the surrogate block, or a supplementary code point (a surrogate pair).
    private static int RandomScalar(Random random)
    {
        while (true)
        {
            int scalar = random.Next(2) == 0 ? random.Next(0, 0x10000) : random.Next(0x10000, 0x110000);
            if (scalar is < 0xD800 or > 0xDFFF)
                return scalar;
        }
    }
#pragma warning restore CA5394

    private static string Show(string s) =>
        string.Concat(s.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:x4}"));

    [Fact]
    public void Random_keys_and_values_round_trip_through_utf8_exactly()
    {
        var random = new Random(Seed);
        for (int n = 0; n < Iterations; n++)
        {
            string type = RandomText(random, 6);
            if (type.Length == 0)
                type = "t";
            var expected = new Dictionary<string, string>(StringComparer.Ordinal) { ["type"] = type };
            var writer = new HeaderWriter(type);
            int pairs = random.Next(6);
            for (int p = 0; p < pairs; p++)
            {
                string key = RandomText(random, 8);
                if (key.Length == 0 || expected.ContainsKey(key))
                    continue;
                string value = RandomText(random, 20);
                expected[key] = value;
                writer.Add(key, value);
            }
            string text = writer.ToString();
            Header parsed;
            try
            {
                parsed = Header.Parse(writer.ToUtf8());
            }
            catch (ProtocolException e)
            {
                Assert.Fail($"iteration {n}: '{Show(text)}' did not parse: {e.Message}");
                throw;
            }
            Assert.True(parsed.Type == type, $"iteration {n}: type '{Show(type)}' came back as '{Show(parsed.Type)}' from '{Show(text)}'");
            Assert.True(parsed.Pairs.Count == expected.Count, $"iteration {n}: {expected.Count} pairs became {parsed.Pairs.Count} in '{Show(text)}'");
            foreach (var (key, value) in expected)
            {
                Assert.True(parsed.Pairs.TryGetValue(key, out var got) && got == value,
                    $"iteration {n}: key '{Show(key)}' = '{Show(value)}' came back as '{(got is null ? "(missing)" : Show(got))}' from '{Show(text)}'");
            }
        }
    }

    [Fact]
    public void Escaped_text_never_holds_an_unescaped_separator()
    {
        var random = new Random(Seed + 1);
        for (int n = 0; n < Iterations; n++)
        {
            string raw = RandomText(random, 30);
            string escaped = KeyValueEscaping.Escape(raw);
            for (int i = 0; i < escaped.Length; i++)
            {
                if (escaped[i] == '\\')
                {
                    i++;
                    continue;
                }
                Assert.False(escaped[i] is ';' or ':' or '\n' or '\r', $"iteration {n}: '{Show(raw)}' escaped to '{Show(escaped)}' with a bare separator at {i}");
            }
        }
    }

    [Fact]
    public void Random_valid_file_names_round_trip_through_announce()
    {
        var random = new Random(Seed + 2);
        var id = FileId.OfManifestBytes([1, 2, 3]);
        int tested = 0;
        for (int n = 0; n < Iterations; n++)
        {
            string name = RandomText(random, 12);
            if (!FileNameRules.IsValid(name))
                continue;
            tested++;
            string text = MessageCodec.Encode(new Announce([new FileEntry(id, name, 5, 2, null)]));
            var decoded = Assert.IsType<Announce>(MessageCodec.Decode(Header.Parse(Encoding.UTF8.GetBytes(text))));
            Assert.True(decoded.Files[0].Name == name, $"iteration {n}: name '{Show(name)}' came back as '{Show(decoded.Files[0].Name)}' from '{Show(text)}'");
        }
        Assert.True(tested > 200, $"only {tested} of {Iterations} random names were valid; the generator is too narrow");
    }
}
