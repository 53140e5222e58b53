namespace P2PShare.Peer.Storage;

/// <summary>How a folder fetch under way overlaps the one asked for.</summary>
public enum FolderFetchOverlap
{
    /// <summary>It fetches the very same folder.</summary>
    Same,

    /// <summary>It fetches a folder around the one asked for (which is part of it).</summary>
    Around,

    /// <summary>It fetches a folder inside the one asked for.</summary>
    Inside,
}
