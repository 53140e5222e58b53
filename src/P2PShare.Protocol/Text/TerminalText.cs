using System.Globalization;
using System.Text;

namespace P2PShare.Protocol.Text;

/// <summary>
/// Makes text from outside (typed or piped input, file names and messages from other peers) safe to
/// show on a terminal: control characters become visible escapes (<c>\e</c>, <c>\u0007</c>), so a
/// name like <c>"\e[2J"</c> cannot clear the screen, retitle the window or hide what follows.
/// </summary>
public static class TerminalText
{
    /// <summary>
    /// <paramref name="text"/> with every control character (C0, DEL, C1) and every bidirectional
    /// override shown as an escape; the same string when there is none.
    /// </summary>
    public static string Escape(string text) => Escape(text, keepLineFeeds: false);

    /// <summary>As <see cref="Escape(string)"/>, but line feeds stay: for whole multi-line answers of our own.</summary>
    public static string EscapeKeepingLines(string text) => Escape(text, keepLineFeeds: true);

    private static string Escape(string text, bool keepLineFeeds)
    {
        ArgumentNullException.ThrowIfNull(text);
        int first = 0;
        while (first < text.Length && !NeedsEscape(text[first], keepLineFeeds))
            first++;
        if (first == text.Length)
            return text; // the common case: nothing to do, nothing allocated
        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!NeedsEscape(c, keepLineFeeds))
            {
                escaped.Append(c);
                continue;
            }
            escaped.Append(c switch
            {
                '\u001b' => @"\e",
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ => string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}"),
            });
        }
        return escaped.ToString();
    }

    private static bool NeedsEscape(char c, bool keepLineFeeds) =>
        (c == '\n' && !keepLineFeeds)
        || (c != '\n' && char.IsControl(c))
        || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'); // bidi overrides reorder what follows
}
