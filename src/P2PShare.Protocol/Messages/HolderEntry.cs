using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>A peer that holds (some of) a file, and where to reach it.</summary>
/// <param name="Host">The address the tracker sees the peer at.</param>
/// <param name="Port">The port the peer serves pieces on.</param>
/// <param name="Have">The pieces it holds; null when it holds them all.</param>
public sealed record HolderEntry(string Host, int Port, PieceSet? Have)
{
    /// <summary><c>host:port</c>, with brackets around an IPv6 host.</summary>
    public string Endpoint => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
