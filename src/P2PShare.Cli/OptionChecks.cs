using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;

namespace P2PShare.Cli;

/// <summary>Checks on option values, added as System.CommandLine validators so a bad value is a parse error like any other.</summary>
public static class OptionChecks
{
    /// <summary>
    /// Adds a check: <paramref name="problem"/> returns the error for a value, or null when it is fine. A value that
    /// did not parse at all ("--port abc") already has its own error, so the check is skipped for it.
    /// </summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, string?> problem)
    {
        ArgumentNullException.ThrowIfNull(option);
        ArgumentNullException.ThrowIfNull(problem);
        option.Validators.Add(result =>
        {
            if (Parsed(result, out T value) && problem(value) is { } error)
                result.AddError(error);
        });
        return option;
    }

    /// <summary>A TCP or UDP port; with <paramref name="zeroForAnyFreePort"/>, 0 too (the system picks one).</summary>
    public static Option<int> AcceptPort(this Option<int> option, bool zeroForAnyFreePort)
    {
        ArgumentNullException.ThrowIfNull(option);
        return option.Check(value => value < (zeroForAnyFreePort ? 0 : 1) || value > IPEndPoint.MaxPort
            ? zeroForAnyFreePort
                ? $"{option.Name} {value} is not a port: give 1-{IPEndPoint.MaxPort}, or 0 for any free port"
                : $"{option.Name} {value} is not a port (1-{IPEndPoint.MaxPort})"
            : null);
    }

    /// <summary>An IPv4 or IPv6 address, when given.</summary>
    public static Option<T> AcceptIpAddress<T>(this Option<T> option) where T : class?
    {
        ArgumentNullException.ThrowIfNull(option);
        return option.Check(value => value is string text && !IPAddress.TryParse(text, out _) ? $"{option.Name} '{text}' is not an IP address" : null);
    }

    /// <summary>
    /// The value <paramref name="command"/> has for <paramref name="option"/>: the one given, else <paramref name="fallback"/>
    /// (a command's validator runs before defaults are filled in). False when the value given did not parse.
    /// </summary>
    public static bool TryGetValue<T>(this CommandResult command, Option<T> option, T fallback, out T value)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.GetResult(option) is OptionResult given)
            return Parsed(given, out value);
        value = fallback;
        return true;
    }

    private static bool Parsed<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }
}
