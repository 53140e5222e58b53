using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>One file in the network-wide list the tracker sends.</summary>
/// <param name="Id">The file's id.</param>
/// <param name="Name">The name its holders give it (the first one announced, if they differ).</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="PieceLength">Its piece length in bytes.</param>
/// <param name="CompleteHolders">Peers that hold every piece of this content, under any name.</param>
/// <param name="PartialHolders">Peers that hold some pieces of this content, under any name.</param>
public sealed record NetworkFile(FileId Id, string Name, long Length, int PieceLength, int CompleteHolders, int PartialHolders)
{
    /// <summary>
    /// Of <see cref="CompleteHolders"/>, those that give the content this <see cref="Name"/>: fewer
    /// when a copy of it is held under another name only (same as <see cref="CompleteHolders"/> when
    /// the tracker does not say).
    /// </summary>
    public int NameCompleteHolders { get; init; } = CompleteHolders;

    /// <summary>Of <see cref="PartialHolders"/>, those that give the content this <see cref="Name"/>.</summary>
    public int NamePartialHolders { get; init; } = PartialHolders;

    /// <summary>Whether some holders count only because they hold this content under another name.</summary>
    public bool HeldUnderOtherNames => NameCompleteHolders != CompleteHolders || NamePartialHolders != PartialHolders;
}
