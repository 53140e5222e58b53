namespace P2PShare.Peer;

/// <summary>
/// Where a peer keeps its files when <c>--repo</c> is not given. One fixed folder, so that every
/// run shares the same files and an interrupted download resumes when the command is run again.
/// </summary>
public static class DefaultFolders
{
    /// <summary>The environment variable the XDG base directory spec names for user data.</summary>
    public const string DataHomeVariable = "XDG_DATA_HOME";

    /// <summary>
    /// The folder the command loop and <c>serve</c> share: <c>$XDG_DATA_HOME/p2pshare/shared</c>,
    /// else <c>~/.local/share/p2pshare/shared</c> on Unix, <c>%LOCALAPPDATA%\p2pshare\shared</c> on Windows.
    /// </summary>
    public static string Shared()
    {
        // A relative XDG_DATA_HOME is invalid by the spec and is ignored, as the spec says.
        string? dataHome = Environment.GetEnvironmentVariable(DataHomeVariable);
        if (string.IsNullOrEmpty(dataHome) || !Path.IsPathRooted(dataHome))
        {
            dataHome = OperatingSystem.IsWindows()
                ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return Path.Combine(dataHome, "p2pshare", "shared");
    }
}
