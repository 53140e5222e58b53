using System.Text;

namespace P2PShare.Protocol.Files;

/// <summary>
/// What a file name arriving from the network may be. A name is a single path component: a peer
/// must never be tricked into reading or writing outside its repository.
/// </summary>
public static class FileNameRules
{
    /// <summary>Longest name accepted, in UTF-8 bytes (the common file-system limit).</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Null when <paramref name="name"/> is acceptable; otherwise the reason in plain words.</summary>
    public static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "the name is empty";
        if (name is "." or "..")
            return $"'{name}' is not a file name";
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            return $"the name is longer than {MaxNameBytes} bytes";
        foreach (char c in name)
        {
            if (c is '/' or '\\')
                return "the name contains a path separator";
            if (char.IsControl(c))
                return "the name contains a control character";
        }
        if (name.EndsWith(' ') || name.EndsWith('.'))
            return "the name ends with a space or a dot";
        if (name.Contains(':', StringComparison.Ordinal) && name.Length >= 2 && name[1] == ':')
            return "the name looks like a drive path";
        if (name.Contains('\uFFFD', StringComparison.Ordinal))
            return "the name contains a replacement character (it was not valid Unicode)";
        if (IsWindowsDevice(name))
            return "the name is a Windows device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9), which a Windows peer cannot save";
        return null;
    }

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
