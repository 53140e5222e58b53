using System.Globalization;
using System.Text;

namespace P2PShare.Peer.Commands;

/// <summary>The command loop's <c>help</c>, written from its commands, so it cannot drift from what the loop accepts.</summary>
public static class CommandHelp
{
    /// <summary>Every command with what it does and an example.</summary>
    public static string Text(IEnumerable<LoopCommand> commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var text = new StringBuilder("Commands (type `help COMMAND` for more about one):");
        foreach (var c in commands)
        {
            string aliases = c.Aliases.Count == 0 ? "" : $" (also: {string.Join(", ", c.Aliases)})";
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {c.Usage,-18} {c.Description}{aliases}");
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {"",-18} e.g. {string.Join("   ", c.Examples)}");
        }
        return text.ToString();
    }

    /// <summary>Everything about one command.</summary>
    public static string Text(LoopCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{command.Usage}: {command.Description?.TrimEnd('.')}."); // one period, also after a description ending in one
        if (command.Aliases.Count > 0)
            text.Append(CultureInfo.InvariantCulture, $" Also: {string.Join(", ", command.Aliases)}.");
        text.AppendLine().Append("Examples:");
        foreach (var example in command.Examples)
            text.AppendLine().Append("  ").Append(example);
        return text.ToString();
    }
}
