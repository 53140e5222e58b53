using P2PShare.Peer.Transfer;

namespace P2PShare.Peer.Commands;

/// <summary>The words of <c>get --seed-for</c>: serving a completed file to the downloaders still fetching it.</summary>
public static class SeedingText
{
    /// <summary>Said when a completed get goes on serving (<paramref name="name"/> a file, or a folder with its '/': its files).</summary>
    public static string Start(string name, TimeSpan bound) =>
        $"Serving '{name}' to the other downloaders until none is fetching from this peer, at most {Units.Duration(bound)}; Ctrl+C stops.";

    /// <summary>Said when it stops serving.</summary>
    public static string End(FeedingEnd end, TimeSpan bound) => end switch
    {
        FeedingEnd.OthersDone => "Stopped serving: no other downloader is fetching from this peer.",
        _ => $"Stopped serving after {Units.Duration(bound)} (--seed-for).",
    };

    /// <summary>Said when Ctrl+C ends the serving (the download itself is complete).</summary>
    public const string Interrupted = "Stopped serving (Ctrl+C); the file is complete.";

    /// <summary>Said when Ctrl+C ends the serving of a folder (every file of it is complete).</summary>
    public const string FolderInterrupted = "Stopped serving (Ctrl+C); the folder is complete.";
}
