using System.CommandLine;
using P2PShare.Protocol.Auth;

namespace P2PShare.Cli;

/// <summary><c>--secret</c> and <c>--secret-file</c> as both programs take them, and the secret they (or the environment) give.</summary>
public sealed class SecretOptions
{
    /// <summary>The two options; <paramref name="whatItIs"/> opens --secret's description (e.g. "The network's shared secret").</summary>
    public SecretOptions(string whatItIs)
    {
        Secret = new Option<string?>("--secret")
        {
            Description = $"{whatItIs} (prefer --secret-file or {SecretSources.EnvironmentVariable}: this one shows in shell history and process lists).",
            Recursive = true,
        };
        File = new Option<FileInfo?>("--secret-file")
        {
            Description = "File holding the network's shared secret (surrounding whitespace ignored).",
            Recursive = true,
        };
    }

    /// <summary><c>--secret</c>: the secret itself.</summary>
    public Option<string?> Secret { get; }

    /// <summary><c>--secret-file</c>: a file holding it.</summary>
    public Option<FileInfo?> File { get; }

    /// <summary>
    /// The secret given by <paramref name="parse"/> or by <see cref="SecretSources.EnvironmentVariable"/>, or null for an
    /// open network. Throws <see cref="CommandLineException"/> when it cannot be used or its file cannot be read.
    /// </summary>
    public SharedSecret? Read(ParseResult parse) => Read(parse, Environment.GetEnvironmentVariable(SecretSources.EnvironmentVariable));

    /// <summary>As <see cref="Read(ParseResult)"/>, with the environment variable's value given.</summary>
    public SharedSecret? Read(ParseResult parse, string? environment)
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            var path = parse.GetValue(File);
            return SecretSources.Resolve(parse.GetValue(Secret), path is null ? null : ReadFile(path), environment);
        }
        catch (ArgumentException e)
        {
            throw new CommandLineException(e.Message, e);
        }
    }

    // .NET's own texts mislead here ("Access to the path is denied" for a file that does not exist), so each case is said plainly.
    private string ReadFile(FileInfo path)
    {
        string named = $"{File.Name} {path}";
        if (Directory.Exists(path.FullName))
            throw new CommandLineException($"{named} is a folder, not a file");
        if (!path.Exists)
            throw new CommandLineException(path.Directory is { Exists: false } ? $"{named}: no such file (its folder does not exist either)" : $"{named}: no such file");
        try
        {
            return System.IO.File.ReadAllText(path.FullName);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CommandLineException($"{named}: not allowed to read it", e);
        }
        catch (IOException e)
        {
            throw new CommandLineException($"{named}: cannot be read", e);
        }
    }
}
