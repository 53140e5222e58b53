using System.Text;
using System.Text.RegularExpressions;

namespace P2PShare.Peer.Commands;

/// <summary>
/// What <c>list PATTERN</c> matches, case ignored. Names are <c>/</c>-separated paths. A glob:
/// <c>*</c> any run within one folder level, <c>?</c> one character other than <c>/</c>, <c>**</c>
/// any run across levels (<c>photos/**/*.jpg</c> also matches <c>photos/a.jpg</c>). A glob without
/// <c>/</c> is matched against the file's own name at any depth (<c>*.jpg</c> finds every jpg); one
/// with <c>/</c> against the whole path; one ending in <c>/</c> matches everything under the folders
/// it matches. Without a wildcard: names containing the text.
/// </summary>
public sealed class NamePattern
{
    // Patterns are typed by the user but run against names from the network: a non-backtracking
    // regex keeps every match linear in the name, whatever the pattern (`*a*a*a*a*b`).
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking;

    private readonly Regex? _glob;
    private readonly string _text;

    /// <summary>Reads <paramref name="pattern"/> as described on the type.</summary>
    public NamePattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _text = pattern;
        if (IsGlob(pattern))
            _glob = new Regex(ToRegex(pattern), Options);
    }

    /// <summary>True when <paramref name="pattern"/> has a wildcard (<c>*</c> or <c>?</c>).</summary>
    public static bool IsGlob(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return pattern.AsSpan().IndexOfAny('*', '?') >= 0;
    }

    /// <summary>True when <paramref name="name"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string name) => new NamePattern(pattern).Matches(name);

    /// <summary>True when <paramref name="name"/> matches this pattern.</summary>
    public bool Matches(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _glob is null ? name.Contains(_text, StringComparison.OrdinalIgnoreCase) : _glob.IsMatch(name);
    }

    // The glob as an anchored regular expression over the whole path.
    private static string ToRegex(string glob)
    {
        var regex = new StringBuilder("^");
        // Like .gitignore: a pattern naming no folder finds that file name in any folder.
        if (!glob.TrimEnd('/').Contains('/', StringComparison.Ordinal))
            regex.Append("(?:.*/)?");
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                bool levelStart = i == 0 || glob[i - 1] == '/';
                while (i + 1 < glob.Length && glob[i + 1] == '*')
                    i++;
                // `**/` is any number of whole levels, none included; `**` elsewhere any run at all.
                bool wholeLevels = levelStart && i + 1 < glob.Length && glob[i + 1] == '/';
                if (wholeLevels)
                    i++;
                regex.Append(wholeLevels ? "(?:.*/)?" : ".*");
            }
            else if (c == '*')
                regex.Append("[^/]*");
            else if (c == '?')
                regex.Append("[^/]");
            else
                regex.Append(Regex.Escape(c.ToString()));
        }
        // A pattern ending in `/` names folders: everything under them matches.
        if (glob.EndsWith('/'))
            regex.Append(".*");
        return regex.Append('$').ToString();
    }
}
