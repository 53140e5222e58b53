namespace P2PShare.Peer.Storage;

/// <summary>What a complete file's stamp says, just before one of its pieces is served.</summary>
internal enum OnDisk
{
    /// <summary>As it was when hashed (or when every piece was last verified again): serve as it is.</summary>
    AsHashed,

    /// <summary>
    /// Same length and the same inode, but its times moved (<c>touch</c>, <c>chmod</c>, a hard link, or
    /// an edit with its modification time put back): the bytes may or may not be the manifest's, so
    /// each piece is hashed before it goes out.
    /// </summary>
    InDoubt,

    /// <summary>Deleted, cut or grown, replaced by another file, or unreadable: never served again.</summary>
    Gone,
}
