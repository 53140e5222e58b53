using P2PShare.Protocol.Files;
using P2PShare.Protocol.Messages;

namespace P2PShare.Tracker.Registry;

/// <summary>
/// What the registry files a holding under: the id and the shape its holder claims. The tracker
/// never sees a manifest, so it cannot tell which shape of an id is true; keyed this way, a
/// holder claiming a wrong shape is just another entry and cannot keep the honest ones out.
/// </summary>
internal readonly record struct FileKey(FileId Id, FileShape Shape);
