namespace P2PShare.Peer.Commands;

/// <summary>One command of the command loop, as <c>help</c> explains it.</summary>
/// <param name="Name">What is typed.</param>
/// <param name="Usage">The name with its arguments.</param>
/// <param name="Description">What it does, in plain words.</param>
/// <param name="Examples">Whole command lines to copy.</param>
/// <param name="Aliases">Other names that do the same.</param>
public sealed record CommandHelp(string Name, string Usage, string Description, IReadOnlyList<string> Examples, IReadOnlyList<string> Aliases)
{
    /// <summary>A command without aliases.</summary>
    public CommandHelp(string name, string usage, string description, IReadOnlyList<string> examples)
        : this(name, usage, description, examples, []) { }
}
