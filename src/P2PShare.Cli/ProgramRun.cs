using System.CommandLine;
using System.Text.RegularExpressions;
using P2PShare.Protocol.Text;

namespace P2PShare.Cli;

/// <summary>How both programs run their command line: a mistake is one plain line and exit code 2, never a page of help or a stack trace.</summary>
public static partial class ProgramRun
{
    /// <summary>The exit code of a command line the user must fix.</summary>
    public const int UsageExitCode = 2;

    /// <summary>
    /// Parses <paramref name="args"/> and runs the chosen action. On a parse error: the first error alone, then
    /// <paramref name="helpHint"/>, on <see cref="InvocationConfiguration.Error"/>, and <see cref="UsageExitCode"/>.
    /// </summary>
    public static async Task<int> RunAsync(this RootCommand root, IReadOnlyList<string> args, string helpHint, InvocationConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(configuration);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Only the first: the others mostly follow from it ("--prot 12666" makes 12666 a stray argument too).
            await configuration.Error.WriteLineAsync($"error: {PlainError(parsed.Errors[0].Message)}");
            await configuration.Error.WriteLineAsync(helpHint);
            return UsageExitCode;
        }
        return await parsed.InvokeAsync(configuration);
    }

    /// <summary>
    /// <paramref name="action"/>, answering a <see cref="CommandLineException"/> it throws (a value that parsed but
    /// cannot be used, such as an unreadable secret file) with one line and <see cref="UsageExitCode"/>.
    /// </summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Guarded(Func<ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken);
            }
            catch (CommandLineException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {TerminalText.Escape(e.Message)}");
                return UsageExitCode;
            }
        };
    }

    /// <summary>A parse error in plain words: System.CommandLine names .NET types ("System.Int32"); a person reads "a whole number".</summary>
    public static string PlainError(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var match = CannotParse().Match(message);
        if (!match.Success)
            return TerminalText.Escape(OneLine(message));
        // An enum's error goes on with "Did you mean one of the following?" and the choices a line each.
        var choices = match.Groups[4].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string kind = match.Groups[3].Value switch
        {
            "System.Int32" or "System.Nullable`1[System.Int32]" => "a whole number",
            "System.Double" => "a number",
            _ when choices.Length > 0 => $"one of {string.Join(", ", choices)}",
            _ => "a valid value",
        };
        return TerminalText.Escape($"{match.Groups[2].Value} '{match.Groups[1].Value}' is not {kind}");
    }

    // An error is one line: lines after the first are joined to it.
    private static string OneLine(string message) =>
        string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for option '(.*)' as expected type '([^']*)'\.(?: Did you mean one of the following\?)?\s*([\s\S]*)$")]
    private static partial Regex CannotParse();
}
