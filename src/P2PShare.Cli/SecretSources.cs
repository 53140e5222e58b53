using P2PShare.Protocol.Auth;

namespace P2PShare.Cli;

/// <summary>
/// Picks the secret from where a program may be given it: <c>--secret</c>, the text of
/// <c>--secret-file</c>, or the <c>P2PSHARE_SECRET</c> environment variable. The program reads the
/// file; this stays free of I/O so the rules are tested on their own.
/// </summary>
public static class SecretSources
{
    /// <summary>The environment variable both programs read.</summary>
    public const string EnvironmentVariable = "P2PSHARE_SECRET";

    /// <summary>
    /// The secret, or null for an open network. The command line wins over the environment; giving
    /// both <c>--secret</c> and <c>--secret-file</c> is an error. Surrounding whitespace (a file's
    /// final newline) is dropped. Throws <see cref="ArgumentException"/> with a message for the user.
    /// </summary>
    public static SharedSecret? Resolve(string? commandLine, string? fileText, string? environment)
    {
        if (commandLine is not null && fileText is not null)
            throw new ArgumentException("give the secret once: either --secret or --secret-file, not both");
        var (text, from) = commandLine is not null ? (commandLine, "--secret")
            : fileText is not null ? (fileText, "--secret-file")
            : (environment, EnvironmentVariable);
        if (text is null || (from == EnvironmentVariable && text.Length == 0))
            return null; // An empty variable is the same as none: `P2PSHARE_SECRET= cmd` opens the network on purpose.
        text = text.Trim();
        try
        {
            return new SharedSecret(text);
        }
        catch (ArgumentException e)
        {
            // Without .NET's " (Parameter 'secret')": the user gave no parameter of that name.
            string reason = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal);
            throw new ArgumentException($"the secret from {from} is unusable: {reason}", e);
        }
    }
}
