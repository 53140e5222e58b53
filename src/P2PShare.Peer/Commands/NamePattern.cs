using System.IO.Enumeration;

namespace P2PShare.Peer.Commands;

/// <summary>What <c>list PATTERN</c> matches: a glob (<c>*</c> any run, <c>?</c> one character), case ignored; without a wildcard, names containing it.</summary>
public static class NamePattern
{
    /// <summary>True when <paramref name="name"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        return pattern.AsSpan().IndexOfAny('*', '?') < 0
            ? name.Contains(pattern, StringComparison.OrdinalIgnoreCase)
            : FileSystemName.MatchesSimpleExpression(pattern, name, ignoreCase: true);
    }
}
