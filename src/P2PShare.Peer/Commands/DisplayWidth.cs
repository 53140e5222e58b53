using System.Globalization;
using System.Text;

namespace P2PShare.Peer.Commands;

/// <summary>
/// How many terminal columns text takes: East Asian wide and fullwidth characters (CJK, Hangul,
/// most emoji) take two, combining marks none. Tables pad by this, not by string length, so a
/// column after a Chinese name still lines up.
/// </summary>
public static class DisplayWidth
{
    /// <summary>The columns <paramref name="text"/> takes on a terminal.</summary>
    public static int Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int width = 0;
        foreach (var rune in text.EnumerateRunes())
            width += Of(rune);
        return width;
    }

    /// <summary><paramref name="text"/> followed by spaces up to <paramref name="columns"/> columns.</summary>
    public static string PadRight(string text, int columns)
    {
        int width = Of(text);
        return width >= columns ? text : text + new string(' ', columns - width);
    }

    /// <summary><paramref name="text"/> preceded by spaces up to <paramref name="columns"/> columns.</summary>
    public static string PadLeft(string text, int columns)
    {
        int width = Of(text);
        return width >= columns ? text : new string(' ', columns - width) + text;
    }

    /// <summary>
    /// <paramref name="text"/> cut to at most <paramref name="columns"/> columns by taking out its
    /// middle for one <c>…</c>, so both its start and its end (a file's extension) stay readable; the
    /// same string when it fits. Never splits a character from its combining marks.
    /// </summary>
    public static string TruncateMiddle(string text, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (Of(text) <= columns)
            return text;
        var elements = new List<(string Text, int Width)>();
        var walk = StringInfo.GetTextElementEnumerator(text);
        while (walk.MoveNext())
            elements.Add((walk.GetTextElement(), Of(walk.GetTextElement())));
        int room = columns - 1, tailRoom = room / 2, headRoom = room - tailRoom;
        int head = 0, headWidth = 0;
        while (head < elements.Count && headWidth + elements[head].Width <= headRoom)
            headWidth += elements[head++].Width;
        int tail = elements.Count, tailWidth = 0;
        // A wide character the head had no room for leaves its column to the tail.
        while (tail > head && tailWidth + elements[tail - 1].Width <= room - headWidth)
            tailWidth += elements[--tail].Width;
        var cut = new StringBuilder(text.Length);
        foreach (var e in elements.Take(head))
            cut.Append(e.Text);
        cut.Append('…');
        foreach (var e in elements.Skip(tail))
            cut.Append(e.Text);
        return cut.ToString();
    }

    private static int Of(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format)
            return 0;
        return IsWide(rune.Value) ? 2 : 1;
    }

    // The Wide (W) and Fullwidth (F) ranges of Unicode's East Asian Width, in the blocks where names use them.
    private static bool IsWide(int c) =>
        c is (>= 0x1100 and <= 0x115F)      // Hangul Jamo initials
        or (>= 0x2E80 and <= 0x303E)        // CJK radicals, punctuation
        or (>= 0x3041 and <= 0x33FF)        // Hiragana, Katakana, Bopomofo, CJK compatibility
        or (>= 0x3400 and <= 0x4DBF)        // CJK extension A
        or (>= 0x4E00 and <= 0x9FFF)        // CJK unified ideographs
        or (>= 0xA000 and <= 0xA4CF)        // Yi
        or (>= 0xAC00 and <= 0xD7A3)        // Hangul syllables
        or (>= 0xF900 and <= 0xFAFF)        // CJK compatibility ideographs
        or (>= 0xFE30 and <= 0xFE4F)        // CJK compatibility forms
        or (>= 0xFF00 and <= 0xFF60)        // Fullwidth forms
        or (>= 0xFFE0 and <= 0xFFE6)
        or (>= 0x1F300 and <= 0x1F64F)      // emoji: pictographs, emoticons
        or (>= 0x1F900 and <= 0x1F9FF)
        or (>= 0x20000 and <= 0x3FFFD);     // CJK extensions B and beyond
}
