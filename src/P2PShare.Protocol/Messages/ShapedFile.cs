using P2PShare.Protocol.Files;

namespace P2PShare.Protocol.Messages;

/// <summary>A file id with the shape (length, piece length) the asker picked for it from <c>files</c>.</summary>
/// <param name="Id">The file's id.</param>
/// <param name="Shape">Its length and piece length.</param>
public readonly record struct ShapedFile(FileId Id, FileShape Shape);
