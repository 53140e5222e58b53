namespace P2PShare.Protocol.Messages;

/// <summary>
/// What a holder claims about a file besides its id: its length and piece length. An id is the
/// hash of a manifest that holds both, so only one shape is true for an id; a tracker cannot tell
/// which (it never sees the manifest), a downloader can (it checks the manifest against the id).
/// </summary>
/// <param name="Length">Bytes.</param>
/// <param name="PieceLength">Bytes per piece.</param>
public readonly record struct FileShape(long Length, int PieceLength);
