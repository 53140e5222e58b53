using System.Text;

namespace P2PShare.Protocol.Files;

/// <summary>
/// What a file name arriving from the network may be: a relative path of <c>/</c>-separated
/// segments (<c>photos/2025/beach.jpg</c>), each a safe single path component, so that a peer can
/// never be tricked into reading or writing outside its repository, on any platform.
/// </summary>
public static class FileNameRules
{
    /// <summary>The separator between a name's segments on the wire, whatever the platform.</summary>
    public const char Separator = '/';

    /// <summary>Longest segment accepted, in UTF-8 bytes (the common file-system limit for one component).</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>
    /// Longest whole name accepted, in UTF-8 bytes: with the repository's own path in front it stays
    /// under Linux's 4096-byte PATH_MAX, and Windows' long paths.
    /// </summary>
    public const int MaxNameBytes = 1024;

    /// <summary>Most segments in a name (folders nested 31 deep, then the file).</summary>
    public const int MaxDepth = 32;

    /// <summary>Null when <paramref name="name"/> is acceptable; otherwise the reason in plain words.</summary>
    public static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "the name is empty";
        if (name[0] == Separator)
            return "the name is an absolute path (it starts with '/')";
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            return $"the name is longer than {MaxNameBytes} bytes";
        int depth = 0;
        foreach (var range in name.AsSpan().Split(Separator))
        {
            if (++depth > MaxDepth)
                return $"the name has more than {MaxDepth} segments";
            if (CheckSegment(name[range]) is string problem)
                return problem;
        }
        return null;
    }

    /// <summary>Null when <paramref name="segment"/> is acceptable as one component of a name; otherwise why not.</summary>
    public static string? CheckSegment(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.Length == 0)
            return "the name has an empty segment ('//' or a '/' at its end)";
        if (segment is "." or "..")
            return $"'{segment}' is not a file or folder name";
        if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            return $"a segment of the name is longer than {MaxSegmentBytes} bytes";
        foreach (char c in segment)
        {
            if (c is '\\')
                return "the name contains a backslash";
            if (char.IsControl(c))
                return "the name contains a control character";
        }
        if (segment.EndsWith(' ') || segment.EndsWith('.'))
            return "a segment of the name ends with a space or a dot";
        if (segment.Length >= 2 && segment[1] == ':')
            return "a segment of the name looks like a drive path";
        if (segment.Contains('\uFFFD', StringComparison.Ordinal))
            return "the name contains a replacement character (it was not valid Unicode)";
        if (IsWindowsDevice(segment))
            return "a segment of the name is a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9), which a Windows peer cannot save";
        return null;
    }

    /// <summary>The segments of a name <see cref="Check"/> accepted: its folders, then the file.</summary>
    public static string[] Segments(string name) => Require(name).Split(Separator);

    // Windows opens the device, not a file, for these names in any case and with any extension
    // ("nul.txt", "Con.tar.gz"), and ignores spaces before the extension ("aux .c"). The superscript
    // digits count as well (COM¹ is a device since Windows 10).
    private static bool IsWindowsDevice(string name)
    {
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        var stem = (dot < 0 ? name.AsSpan() : name.AsSpan(0, dot)).TrimEnd(' ');
        if (stem.Length == 3)
            return stem.Equals("CON", StringComparison.OrdinalIgnoreCase) || stem.Equals("PRN", StringComparison.OrdinalIgnoreCase)
                || stem.Equals("AUX", StringComparison.OrdinalIgnoreCase) || stem.Equals("NUL", StringComparison.OrdinalIgnoreCase);
        if (stem.Length == 4)
            return (stem[..3].Equals("COM", StringComparison.OrdinalIgnoreCase) || stem[..3].Equals("LPT", StringComparison.OrdinalIgnoreCase))
                && stem[3] is (>= '1' and <= '9') or '¹' or '²' or '³';
        return stem.Equals("CONIN$", StringComparison.OrdinalIgnoreCase) || stem.Equals("CONOUT$", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="name"/> is acceptable.</summary>
    public static bool IsValid(string? name) => Check(name) is null;

    /// <summary>Throws <see cref="ProtocolException"/> naming the problem unless the name is acceptable.</summary>
    public static string Require(string? name)
    {
        var problem = Check(name);
        return problem is null ? name! : throw new ProtocolException($"file name '{name}' rejected: {problem}");
    }
}
