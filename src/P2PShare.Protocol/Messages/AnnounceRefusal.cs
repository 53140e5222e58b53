using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>One announce entry the tracker did not record, and why.</summary>
/// <param name="Index">The entry's index in the announce it answers.</param>
/// <param name="File">The entry's file id, so the announcer can name the file even if its list changed since.</param>
/// <param name="Reason">A plain sentence for the user.</param>
public sealed record AnnounceRefusal(int Index, FileId File, string Reason);
