using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>
/// One file a peer holds, as announced to the tracker.
/// </summary>
/// <param name="Id">The file's id (SHA-256 of its manifest).</param>
/// <param name="Name">Its name in the holder's repository (a label, validated by <see cref="FileNameRules"/>).</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="PieceLength">Its piece length in bytes.</param>
/// <param name="Have">The pieces held; null when the file is complete.</param>
public sealed record FileEntry(FileId Id, string Name, long Length, int PieceLength, PieceSet? Have)
{
    /// <summary>
    /// Why this entry, as received in an <see cref="Announce"/>, cannot be recorded (its name, shape or
    /// piece map breaks the rules), or null for a sound entry. Decoding keeps such an entry, with its id
    /// and its raw name, so the tracker can refuse it alone and keep the announce's other entries.
    /// </summary>
    public string? Refusal { get; init; }

    /// <summary>Pieces in the file.</summary>
    public int PieceCount => Manifest.CountPieces(Length, PieceLength);

    /// <summary>True when every piece is held.</summary>
    public bool IsComplete => Have is null || Have.IsComplete;
}
