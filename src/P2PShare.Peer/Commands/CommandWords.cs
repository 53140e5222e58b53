using System.Text;

namespace P2PShare.Peer.Commands;

/// <summary>Splits a command line into words, as a shell would for the simple cases: spaces separate, '…' and "…" group.</summary>
public static class CommandWords
{
    /// <summary>The words of <paramref name="line"/>, or null when a quote is left open (e.g. <c>Bob's file</c>).</summary>
    public static List<string>? Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in line)
        {
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
                else
                    word.Append(c);
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (quote != '\0')
            return null;
        if (inWord)
            words.Add(word.ToString());
        return words;
    }
}
