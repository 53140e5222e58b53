using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>One file in the network-wide list the tracker sends.</summary>
/// <param name="Id">The file's id.</param>
/// <param name="Name">The name its holders give it (the first one announced, if they differ).</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="PieceLength">Its piece length in bytes.</param>
/// <param name="CompleteHolders">Peers that hold every piece.</param>
/// <param name="PartialHolders">Peers that hold some pieces.</param>
public sealed record NetworkFile(FileId Id, string Name, long Length, int PieceLength, int CompleteHolders, int PartialHolders);
