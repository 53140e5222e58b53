using System.Globalization;
using System.Text;
using P2PShare.Protocol.Files;

namespace P2PShare.Peer.Commands;

/// <summary>Piece numbers as the user reads them: runs folded into ranges, e.g. "pieces 12-40, 77".</summary>
public static class PieceRanges
{
    /// <summary>
    /// The pieces of <paramref name="verified"/>'s file that are not in it, as ranges; after
    /// <paramref name="maxRanges"/> ranges the rest is counted, not listed (a scattered tail of
    /// thousands of pieces would otherwise fill the screen).
    /// </summary>
    public static string Missing(PieceSet verified, int maxRanges)
    {
        ArgumentNullException.ThrowIfNull(verified);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRanges, 1);
        var ranges = new List<(int First, int Last)>();
        for (int i = 0; i < verified.Count; i++)
        {
            if (verified.Contains(i))
                continue;
            if (ranges.Count > 0 && ranges[^1].Last == i - 1)
                ranges[^1] = (ranges[^1].First, i);
            else
                ranges.Add((i, i));
        }
        if (ranges.Count == 0)
            return "no pieces";
        var text = new StringBuilder(ranges.Count == 1 && ranges[0].First == ranges[0].Last ? "piece " : "pieces ");
        for (int r = 0; r < Math.Min(maxRanges, ranges.Count); r++)
        {
            var (first, last) = ranges[r];
            if (r > 0)
                text.Append(", ");
            if (first == last)
                text.Append(CultureInfo.InvariantCulture, $"{first}");
            else
                text.Append(CultureInfo.InvariantCulture, $"{first}-{last}");
        }
        if (ranges.Count > maxRanges)
        {
            int rest = ranges.Skip(maxRanges).Sum(r => r.Last - r.First + 1);
            text.Append(CultureInfo.InvariantCulture, $" and {rest} more in {ranges.Count - maxRanges} other ranges");
        }
        return text.ToString();
    }
}
