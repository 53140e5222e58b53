using System.Text.RegularExpressions;

namespace P2PShare.Bench.Swarm;

/// <summary>What the benchmarks read from the peer's stdout: where a seeder serves, and a download's pieces per holder.</summary>
internal static partial class PeerOutput
{
    /// <summary>The endpoint in <c>serve</c>'s "Sharing … on ADDRESS:PORT; …" line.</summary>
    public static string ServingEndpoint(string sharingLine) => ServingOn().Match(sharingLine).Groups[1].Value;

    /// <summary>The verified pieces a download's result line credits to each holder ("ADDRESS:PORT (N pieces)").</summary>
    public static IReadOnlyDictionary<string, int> PiecesByPeer(string output) =>
        PiecesFrom().Matches(output).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);

    [GeneratedRegex(@" on (\S+:\d+);")]
    private static partial Regex ServingOn();

    [GeneratedRegex(@"(\d+\.\d+\.\d+\.\d+:\d+) \((\d+) pieces?\)")]
    private static partial Regex PiecesFrom();
}
