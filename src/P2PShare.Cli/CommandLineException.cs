namespace P2PShare.Cli;

/// <summary>A value given on the command line that cannot be used; its message is written for the user, as is.</summary>
public sealed class CommandLineException : Exception
{
    /// <summary>An empty message; prefer the one taking a message.</summary>
    public CommandLineException() { }

    /// <summary>The problem, in words for the user.</summary>
    public CommandLineException(string message) : base(message) { }

    /// <summary>The problem, in words for the user, and what caused it.</summary>
    public CommandLineException(string message, Exception innerException) : base(message, innerException) { }
}
