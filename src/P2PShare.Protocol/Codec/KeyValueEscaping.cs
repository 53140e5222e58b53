using System.Buffers;
using System.Text;

namespace P2PShare.Protocol.Codec;

/// <summary>
/// Escaping for the <c>key::value;</c> text. A backslash escapes the characters that would end a
/// key or value, so any text round-trips: <c>\\</c> backslash, <c>\;</c> semicolon, <c>\:</c>
/// colon, <c>\n</c> line feed, <c>\r</c> carriage return. Every other character stands as itself.
/// </summary>
public static class KeyValueEscaping
{
    private static readonly SearchValues<char> Specials = SearchValues.Create("\\;:\n\r");

    /// <summary>Appends <paramref name="text"/> escaped.</summary>
    public static void Append(StringBuilder builder, string text)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(text);
        // Most names and values need no escape: append what precedes the first special character in one go.
        int plain = text.AsSpan().IndexOfAny(Specials);
        if (plain < 0)
        {
            builder.Append(text);
            return;
        }
        builder.Append(text.AsSpan(0, plain));
        foreach (char c in text.AsSpan(plain))
        {
            switch (c)
            {
                case '\\': builder.Append(@"\\"); break;
                case ';': builder.Append(@"\;"); break;
                case ':': builder.Append(@"\:"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                default: builder.Append(c); break;
            }
        }
    }

    /// <summary><paramref name="text"/> escaped.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text?.Length ?? 0);
        Append(builder, text!);
        return builder.ToString();
    }
}
