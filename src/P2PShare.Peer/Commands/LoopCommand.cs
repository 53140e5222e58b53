using System.CommandLine;
using System.Diagnostics.CodeAnalysis;

namespace P2PShare.Peer.Commands;

/// <summary>One command of the command loop: a System.CommandLine command that also carries the examples <c>help</c> shows.</summary>
[SuppressMessage("Design", "CA1010", Justification = "IEnumerable is System.CommandLine's, for collection initializers; no one enumerates a command.")]
public sealed class LoopCommand : Command
{
    /// <summary>A command named <paramref name="name"/>; <paramref name="examples"/> are whole lines to copy, each starting with the name.</summary>
    public LoopCommand(string name, string description, IReadOnlyList<string> examples, params string[] aliases)
        : base(name, description)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(aliases);
        Examples = examples;
        foreach (var alias in aliases)
            Aliases.Add(alias);
    }

    /// <summary>Whole command lines to copy.</summary>
    public IReadOnlyList<string> Examples { get; }

    /// <summary>What the loop says when a required argument is missing; null: the usage.</summary>
    public string? Missing { get; init; }

    /// <summary>The name with its arguments: <c>&lt;required&gt;</c>, <c>[optional]</c>.</summary>
    public string Usage => string.Join(' ', Arguments.Where(a => !a.Hidden)
        .Select(a => a.Arity.MinimumNumberOfValues > 0 ? $"<{a.Name}>" : $"[{a.Name}]").Prepend(Name));

    /// <summary>Most arguments it takes, counting those it ignores.</summary>
    public int MostArguments => Arguments.Sum(a => a.Arity.MaximumNumberOfValues);
}
