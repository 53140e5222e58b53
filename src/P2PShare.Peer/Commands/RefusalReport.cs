using P2PShare.Protocol.Messages;

namespace P2PShare.Peer.Commands;

/// <summary>The lines a peer shows for announce entries the tracker refused.</summary>
public static class RefusalReport
{
    /// <summary>
    /// One line per refused file the tracker named (with our name for it: <paramref name="sent"/>
    /// is the announce it answers), then one for those it only counted; none when all were taken.
    /// </summary>
    public static IReadOnlyList<string> Lines(Ok reply, IReadOnlyList<FileEntry> sent)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(sent);
        var listed = reply.Refusals ?? [];
        var lines = new List<string>(listed.Count + 1);
        foreach (var refusal in listed)
        {
            // The index is the tracker's word; the id confirms it points at the file we meant.
            string name = refusal.Index < sent.Count && sent[refusal.Index].Id == refusal.File ? $"'{sent[refusal.Index].Name}' " : "";
            lines.Add($"The tracker did not list {name}({refusal.File.ShortText}): {refusal.Reason}. The other files are shared.");
        }
        int unlisted = reply.RefusedCount - listed.Count;
        if (unlisted > 0)
            lines.Add($"The tracker did not list {Report.Plural(unlisted, "more file")} either; the other files are shared.");
        return lines;
    }
}
