using System.Globalization;

namespace P2PShare.Peer;

/// <summary>Sizes, rates and durations in the words people read.</summary>
public static class Units
{
    private static readonly string[] ByteUnits = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>1536 → "1.5 KiB"; bytes below 1 KiB stay exact.</summary>
    public static string Bytes(long bytes)
    {
        if (bytes < 1024)
            return string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < ByteUnits.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {ByteUnits[unit]}");
    }

    /// <summary>
    /// Bytes per second in decimal units, the way network speeds are quoted: MB/s from a megabyte up,
    /// else kB/s, else B/s, so a small file's rate never reads "0.0 MB/s".
    /// </summary>
    public static string Rate(double bytesPerSecond) => bytesPerSecond switch
    {
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / 1_000_000:0.0} MB/s"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / 1_000:0.0} kB/s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond:0} B/s"),
    };

    /// <summary>A duration as "0.4 s", "12 s", "3 min 05 s".</summary>
    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s"),
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds:00} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes:00} min"),
    };
}
